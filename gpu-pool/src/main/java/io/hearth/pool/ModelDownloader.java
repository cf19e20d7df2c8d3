package io.hearth.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches a model file once into the model store. Bytes go to {@code <file>.part}; an interrupted transfer (a broken
 * connection, a server restart) resumes from what the part holds with an HTTP range request. The finished file is
 * checked against its SHA-256, flushed to disk and renamed into place, so a file under its final name is always
 * complete and verified. Progress is logged every 10 % and readable at any time ({@link #info()}).
 */
final class ModelDownloader {
    private static final System.Logger LOG = System.getLogger(ModelDownloader.class.getName());
    private static final int ATTEMPTS = 4;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String model;
    private final ModelDownload download;
    private final Path target;
    private volatile String state;
    private volatile long bytes, total = -1;
    private volatile String error;
    private volatile long startNanos, endNanos;

    ModelDownloader(String model, ModelDownload download, Path target) {
        this.model = model;
        this.download = download;
        this.target = target;
        boolean present = Files.isRegularFile(target);
        this.state = present ? "done" : "pending";
        if (present) bytes = total = target.toFile().length();
    }

    /** Downloads (or finishes downloading) and verifies the file; {@code progress} hears the percent received. */
    void fetch(LoadProgress progress) {
        startNanos = System.nanoTime();
        endNanos = 0;
        error = null;
        state = "downloading";
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path part = target.resolveSibling(target.getFileName() + ".part");
            IOException last = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                try {
                    transfer(part, progress);
                    last = null;
                    break;
                } catch (IOException e) {
                    last = e;
                    LOG.log(System.Logger.Level.WARNING, "download of model " + model + " broke off at " + bytes + " bytes (" + e
                            + "); attempt " + attempt + " of " + ATTEMPTS + " resumes there");
                }
            }
            if (last != null) throw last;
            state = "verifying";
            verify(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            state = "done";
            endNanos = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, String.format("model %s downloaded and verified: %d MiB in %.1f s", model, bytes >> 20,
                    (endNanos - startNanos) / 1e9));
        } catch (IOException | RuntimeException e) {
            state = "failed";
            endNanos = System.nanoTime();
            error = e instanceof IOException ? "download from " + download.url() + " failed: " + e : e.getMessage();
            throw new ModelUnavailableException("model '" + model + "' is not available: " + error, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "failed";
            error = "interrupted";
            throw new ModelUnavailableException("model '" + model + "' download was interrupted", true);
        }
    }

    /** One HTTP exchange: resumes after the part's bytes when the server allows ranges, else starts over. */
    private void transfer(Path part, LoadProgress progress) throws IOException, InterruptedException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(download.url()).timeout(Duration.ofMinutes(5)).GET();
        if (have > 0) request.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        boolean resumed = status == 206;
        if (status == 416 && have > 0) { // the part already holds the whole file
            response.body().close();
            bytes = total = have;
            return;
        }
        if (status != 200 && !resumed) {
            response.body().close();
            throw new IllegalStateException("download from " + download.url() + " answered HTTP " + status);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        total = length < 0 ? -1 : (resumed ? have : 0) + length;
        bytes = resumed ? have : 0;
        if (resumed) LOG.log(System.Logger.Level.INFO, "download of model " + model + " resumes at " + have + " bytes");
        else LOG.log(System.Logger.Level.INFO, "downloading model " + model + " from " + download.url()
                + (total > 0 ? " (" + (total >> 20) + " MiB)" : ""));
        try (InputStream in = response.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 20];
            int logged = percent() / 10;
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                bytes += n;
                int p = percent();
                if (p >= 0) progress.loading(p);
                if (p / 10 > logged) {
                    logged = p / 10;
                    LOG.log(System.Logger.Level.INFO, "model " + model + ": " + p + " % downloaded");
                }
            }
        }
        if (total > 0 && bytes < total) throw new IOException("the connection closed after " + bytes + " of " + total + " bytes");
    }

    private void verify(Path part) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(part), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(download.sha256())) {
            Files.delete(part);
            throw new IllegalStateException("the file from " + download.url() + " has sha256 " + actual + ", not the configured "
                    + download.sha256() + " (deleted; fix the URL or the sha256)");
        }
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            channel.force(true); // clean pages: evicting the host tier can then drop them
        }
    }

    private int percent() {
        long t = total;
        return t > 0 ? (int) Math.min(100, bytes * 100 / t) : -1;
    }

    DownloadInfo info() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return new DownloadInfo(download.url().toString(), state, bytes, total, Math.max(0, percent()),
                startNanos == 0 ? 0 : (end - startNanos) / 1e9, error);
    }
}
