package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restart while callers keep calling: no call hangs, and afterwards deployed functions, their versions and routing,
 * API keys and ops' pool settings are all there.
 */
class RestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void server(String action) throws Exception {
        Path wlp = Path.of(System.getProperty("hearth.it.wlp", "target/liberty/wlp"));
        Process p = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, "hearth-it").inheritIO().start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "server " + action + " finished");
        assertEquals(0, p.exitValue(), "server " + action);
    }

    @Test
    void functionsAndTheirRoutingAreStillThereAfterARestart() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        String name = "restart-" + Long.toString(System.currentTimeMillis(), 36);
        for (String version : new String[]{"1", "2"}) {
            byte[] archive = FunctionsIT.archive(version, "Say {{ word }}").clone();
            String yaml = new String(FunctionsIT.unzipManifest(archive)).replaceFirst("name: \\S+", "name: " + name);
            assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + name, "application/zip",
                    FunctionsIT.zipManifest(yaml), null).statusCode());
        }
        assertEquals(200, FunctionsIT.send("POST", "/admin/functions/" + name + "/rollback", "application/json", new byte[0], null).statusCode());
        String base = System.getProperty("hearth.it.base-url", "http://localhost:19080");
        assertEquals(200, FunctionsIT.send("PUT", "/admin/pools/unreachable/policy", "application/json",
                "{\"max_queue\":77}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null).statusCode());
        String scoped = JSON.readTree(Credentials.createKey(base, "{\"name\":\"restart-survivor-" + name + "\",\"functions\":[\"" + name + "\"]}").body())
                .get("key").asText();

        java.util.concurrent.atomic.AtomicBoolean restarting = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Thread traffic = Thread.ofPlatform().start(() -> {
            while (restarting.get()) {
                try {
                    FunctionsIT.invoke("summarize", "{\"text\":\"during the restart\"}");
                } catch (Exception refusedWhileDown) {
                    // connection refused while the server is down: what a caller sees, and not a hang
                }
                calls.incrementAndGet();
            }
        });
        server("stop");
        server("start");
        OpenAiApiIT.waitUntilReady();
        restarting.set(false);
        traffic.join(Duration.ofSeconds(90));
        assertFalse(traffic.isAlive(), "no call hung across the restart");
        assertTrue(calls.get() > 1, "traffic ran through the restart");

        JsonNode status = JSON.readTree(OpenAiApiIT.get("/admin/functions/" + name).body());
        assertEquals("1", status.get("routing").get("active").asText(), "the rolled-back routing survived");
        assertEquals(2, status.get("versions").size());
        assertEquals("1", JSON.readTree(FunctionsIT.invoke(name, "{\"word\":\"hi\"}").body()).get("version").asText());
        assertTrue(OpenAiApiIT.get("/fn").body().contains("\"summarize\""), "the samples are still deployed");
        assertEquals(77, JSON.readTree(OpenAiApiIT.get("/admin/pools/unreachable").body()).at("/policy/max_queue").asInt(),
                "a policy ops changed is still in force");
        java.net.http.HttpResponse<String> keyed = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/fn/" + name)).header("Authorization", "Bearer " + scoped).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"word\":\"hi\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keyed.statusCode(), "an API key made before the restart works after it: " + keyed.body());
    }
}
