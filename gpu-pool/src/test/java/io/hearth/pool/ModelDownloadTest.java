package io.hearth.pool;

import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model fetched by URL: downloaded on first use, resumed after a broken connection, verified against its sha256. */
class ModelDownloadTest {
    @TempDir
    Path dir;

    private ServerSocket server;
    /** The Range header of each request ("" when none). */
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    /**
     * Serves {@code file} over a bare socket, so a test can break a transfer as a network would: the first response
     * announces the whole file and the connection closes after half of it.
     */
    private URI serve(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                    String range = "";
                    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("range:")) range = line.substring(6).trim();
                    }
                    ranges.add(range);
                    int from = range.isEmpty() ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
                    OutputStream out = client.getOutputStream();
                    out.write(((range.isEmpty() ? "HTTP/1.1 200 OK" : "HTTP/1.1 206 Partial Content") + "\r\nContent-Length: "
                            + (bytes.length - from) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    int end = ranges.size() == 1 ? bytes.length / 2 : bytes.length;
                    out.write(bytes, from, end - from);
                    out.flush();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/model.gguf");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void aModelIsDownloadedOnFirstUseResumedAfterABreakAndVerified() throws Exception {
        Path original = TestModels.tiny(dir, "origin.gguf", 11);
        URI url = serve(original);
        String sha = sha256(original);
        Path stored = dir.resolve("store").resolve(sha + ".gguf");
        PoolPolicy lazy = new PoolPolicy(0, 1, Duration.ofMinutes(5), false, 4, 8);
        ModelSpec spec = new ModelSpec("remote", stored, 1, 512, lazy, new ModelDownload(url, sha));
        try (WarmModelPool pool = new WarmModelPool(List.of(spec))) {
            assertTrue(pool.ready(), "a model fetched on demand does not hold readiness");
            assertEquals("unknown until downloaded", pool.models().getFirst().architecture());

            List<Integer> downloaded = new ArrayList<>();
            Completion first = pool.generate("remote", ModelRequest.text("hi", SamplingParams.greedy(3)), (t, s) -> { }, new LoadProgress() {
                @Override
                public void loading(int percent) {
                }

                @Override
                public void downloading(int percent) {
                    downloaded.add(percent);
                }
            });
            assertNotNull(first.coldStart());
            assertEquals(sha, sha256(stored), "the stored file is the original");
            assertFalse(Files.exists(stored.resolveSibling(sha + ".gguf.part")));
            assertEquals(2, ranges.size(), "one broken transfer, one resumed: " + ranges);
            long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
            assertTrue(resumedAt > 0 && resumedAt <= Files.size(original) / 2,
                    "the second request resumed after what the first delivered (a closing socket may lose its last bytes): " + ranges);
            assertEquals(100, downloaded.getLast(), "the caller saw the download progress: " + downloaded);
            DownloadInfo info = pool.pool("remote").download();
            assertEquals("done", info.state());
            assertEquals(Files.size(original), info.bytes());
        }
        // the next server start finds the verified file in the store and downloads nothing
        try (WarmModelPool pool = new WarmModelPool(List.of(spec))) {
            pool.generate("remote", ModelRequest.text("hi", SamplingParams.greedy(3)), (t, s) -> { });
            assertEquals(2, ranges.size());
        }
    }

    @Test
    void aFileWhoseHashDiffersIsDeletedAndTheModelReportsWhy() throws Exception {
        Path original = TestModels.tiny(dir, "origin.gguf", 12);
        URI url = serve(original);
        String wrong = "0".repeat(64);
        Path stored = dir.resolve("store").resolve(wrong + ".gguf");
        PoolPolicy lazy = new PoolPolicy(0, 1, Duration.ofMinutes(5), false, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("remote", stored, 1, 512, lazy, new ModelDownload(url, wrong))))) {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> pool.generate("remote", ModelRequest.text("hi", SamplingParams.greedy(3)), (t, s) -> { }));
            assertTrue(e.getMessage().contains("sha256"), e.getMessage());
            assertEquals("failed", pool.pool("remote").download().state());
            assertFalse(Files.exists(stored) || Files.exists(stored.resolveSibling(wrong + ".gguf.part")), "nothing unverified is kept");
            assertTrue(pool.failures().get("remote").contains("sha256"));
        }
    }
}
