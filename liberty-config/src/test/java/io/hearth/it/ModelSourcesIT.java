package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model fetched by URL on a real server ("remote": the built-in model's bytes, served by this test): downloaded on
 * its first call with progress, verified, then cold-started from the host tier after idling, and from the disk once
 * ops evict it.
 */
class ModelSourcesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer modelServer;

    @BeforeAll
    static void serveTheModelFile() throws Exception {
        OpenAiApiIT.waitUntilReady();
        Path file = Path.of(System.getProperty("hearth.it.wlp"), "usr/servers/hearth-it/models/default.gguf");
        byte[] bytes = Files.readAllBytes(file);
        int port = Integer.getInteger("hearth.it.model-server.port", 19099);
        modelServer = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        modelServer.createContext("/default.gguf", exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        modelServer.start();
    }

    @AfterAll
    static void stop() {
        if (modelServer != null) modelServer.stop(0);
    }

    private static JsonNode call(String accept) throws Exception {
        HttpResponse<String> r = FunctionsIT.send("POST", "/v1/completions", "application/json",
                "{\"model\":\"remote\",\"prompt\":\"hi\",\"max_tokens\":3,\"temperature\":0}".getBytes(StandardCharsets.UTF_8), accept);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String coldStartTier(String fn) throws Exception {
        HttpResponse<String> r = FunctionsIT.invoke(fn, "{\"word\":\"hi\"}");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).at("/cold_start/tier").asText("none");
    }

    @Test
    void aModelIsDownloadedOnItsFirstCallThenColdStartsFromHostMemoryAndAfterEvictionFromDisk() throws Exception {
        String fn = "remote-" + Long.toString(System.currentTimeMillis(), 36);
        byte[] archive = FunctionsIT.zipManifest("name: " + fn + "\nversion: 1\nmodel: remote\nkind: prompt\nprompt:\n  template: \"Say {{ word }}\"\n"
                + "defaults: {max_tokens: 2, temperature: 0}\n");
        assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + fn, "application/zip", archive, null).statusCode());

        HttpResponse<String> first = FunctionsIT.send("POST", "/fn/" + fn, "application/json", "{\"word\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                "text/event-stream");
        assertEquals(200, first.statusCode(), first.body());
        boolean downloadedNow = first.body().contains("\"phase\":\"download\"");
        JsonNode pool = PoolIT.pool("remote");
        assertEquals("done", pool.at("/download/state").asText(), pool.toString());
        if (downloadedNow) {
            assertTrue(first.body().contains("event: loading\ndata: {\"model\":\"remote\",\"percent\":100,\"phase\":\"download\"}"), first.body());
        }
        assertEquals(pool.at("/download/total_bytes").asLong(), pool.at("/download/bytes").asLong());
        assertTrue(call(null).at("/choices/0/text").isTextual(), "the downloaded model serves the OpenAI API too");

        PoolIT.awaitPool("remote", "scaled to zero after its 2 s idle timeout", p -> p.get("replicas").isEmpty());
        assertEquals("host", coldStartTier(fn), "the weights stayed in the page cache");

        assertEquals(200, PoolIT.admin("POST", "/admin/pools/remote/evict", "").statusCode());
        PoolIT.awaitPool("remote", "evicted", p -> p.get("replicas").isEmpty());
        assertEquals("disk", coldStartTier(fn), "an evicted model's next start reads the disk");
        JsonNode after = PoolIT.pool("remote");
        assertTrue(after.at("/cold_starts/DISK").asLong() >= 1 && after.at("/cold_starts/HOST").asLong() >= 1, after.toString());
    }
}
