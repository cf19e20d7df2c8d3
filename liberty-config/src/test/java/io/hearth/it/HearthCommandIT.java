package io.hearth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform as README's first command starts it, {@code bin/hearth start} with nothing configured: TLS only, with
 * a development certificate for localhost that a client verifies properly (host name included) from the PEM
 * bin/hearth writes; no plain HTTP listener; an admin password made once and readable only by its owner; invocation
 * refused without an API key and served with one made by {@code bin/hearth key}. Prompt auditing is asked for here
 * (HEARTH_AUDIT_PROMPTS), so the audit log keeps what was asked; the test server shows it is off by default (AuditIT).
 */
class HearthCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("hearth.it.root", ".."));
    private static final Path SERVER_DIR = ROOT.resolve("liberty-config/target/hearth-command-it");
    private static final String HTTPS_PORT = "19643";
    private static final String BASE = "https://localhost:" + HTTPS_PORT;
    private static HttpClient trusting;

    private static Process hearth(String... args) throws Exception {
        return hearthIn(SERVER_DIR, HTTPS_PORT, args);
    }

    /** bin/hearth on the server in {@code dir} (its own output folder, keystore and passwords) at {@code port}. */
    private static Process hearthIn(Path dir, String port, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/hearth").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--server-dir", dir.toString(), "--https-port", port));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String inherited : List.of("HEARTH_HTTP_PORT", "HEARTH_TLS_KEYSTORE", "HEARTH_ADMIN_PASSWORD", "keystore_password",
                "HEARTH_CLUSTER_SECRET", "HEARTH_CLUSTER_MEMBERS", "HEARTH_CLUSTER_MODE", "HEARTH_CLUSTER_NAME", "HEARTH_CLUSTER_MULTICAST")) {
            builder.environment().remove(inherited);
        }
        builder.environment().put("HEARTH_CLUSTER_PORT", "19801");
        builder.environment().put("HEARTH_AUDIT_PROMPTS", "true");
        return builder.start();
    }

    private static String run(String... args) throws Exception {
        Process p = hearth(args);
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "bin/hearth " + args[0] + " finished");
        assertEquals(0, p.exitValue(), "bin/hearth " + String.join(" ", args) + ": " + out);
        return out.strip();
    }

    @BeforeAll
    static void start() throws Exception {
        // another server from this build runs first, with passwords of its own (as `bin/hearth start` does before
        // `bin/test`): the server under test must still accept its admin login (the LTPA keys both read)
        Path other = ROOT.resolve("liberty-config/target/hearth-command-it-first");
        Process first = hearthIn(other, "19744", "start");
        String firstOut = new String(first.getInputStream().readAllBytes());
        assertTrue(first.waitFor(240, TimeUnit.SECONDS) && first.exitValue() == 0, "the first server started: " + firstOut);
        assertTrue(hearthIn(other, "19744", "stop").waitFor(120, TimeUnit.SECONDS));
        String started = run("start");
        assertTrue(started.contains("Hearth is ready at " + BASE), started);
        Path pem = SERVER_DIR.resolve("hearth/tls/hearth-dev-cert.pem");
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("hearth-dev", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        trusting = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        hearth("stop").waitFor(120, TimeUnit.SECONDS);
    }

    private static HttpResponse<String> invoke(String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + "/fn/summarize")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"TLS by default\"}"));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return trusting.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDefaultServerSpeaksTlsOnlyWithACertificateClientsCanVerify() throws Exception {
        HttpResponse<String> ready = trusting.send(HttpRequest.newBuilder(URI.create(BASE + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), "verified against the development certificate, host name included");
        assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(BASE + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()), "a client that does not trust it is told so");
        String log = Files.readString(SERVER_DIR.resolve("hearth/logs/messages.log"));
        assertTrue(log.contains("defaultHttpEndpoint-ssl"), "the TLS listener started");
        assertFalse(log.matches("(?s).*CWWKO0219I: TCP Channel plainHttpEndpoint .*"), "no plain HTTP listener unless asked for");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(SERVER_DIR.resolve("hearth/admin.password"))));
    }

    @Test
    void invocationNeedsAKeyThatBinHearthMakes() throws Exception {
        assertEquals(401, invoke(null).statusCode(), "anonymous invocation is off by default");
        String key = run("key", "readme-user-" + System.nanoTime(), "summarize");
        assertTrue(key.startsWith("hk_"), key);
        HttpResponse<String> answered = invoke(key);
        assertEquals(200, answered.statusCode(), answered.body());
        Path audit = SERVER_DIR.resolve("hearth/logs/audit.0.jsonl");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(Files.exists(audit) && Files.readString(audit).contains("TLS by default")) && System.nanoTime() < deadline) Thread.sleep(100);
        String entries = Files.readString(audit);
        assertTrue(entries.contains("\"who\":\"key:readme-user-") && entries.contains("TLS by default"), "the keyed call and what it asked: " + entries);
    }
}
