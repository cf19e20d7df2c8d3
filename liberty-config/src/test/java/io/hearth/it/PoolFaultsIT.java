package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault tolerance and keep-alive on a real server: a replica killed mid-generation is replaced and every request on
 * it (running or queued) completes as if nothing happened; a model that cannot load falls back to its fallback model
 * and its circuit breaker opens; a caller's keep-alive hint holds within ops' bounds.
 */
class PoolFaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Greedy on the built-in weights: runs its whole length (see PoolIT); two fit the KV cache at once, a third queues. */
    private static final String LONG_STREAM = "{\"model\":\"lazy\",\"messages\":[{\"role\":\"user\",\"content\":\"talk\"}],"
            + "\"max_tokens\":900,\"temperature\":0%s}";

    @BeforeAll
    static void ready() throws Exception {
        OpenAiApiIT.waitUntilReady();
    }

    /** The text of a streamed chat completion; fails on an error event. Counts chunks into {@code received}. */
    private static String streamedText(String body, AtomicInteger received) throws Exception {
        HttpRequest request = Credentials.to(BASE, "/v1/chat/completions").timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        StringBuilder text = new StringBuilder();
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
            JsonNode event = JSON.readTree(line.substring(6));
            if (event.has("error")) throw new AssertionError("the stream ended with an error: " + line);
            JsonNode content = event.at("/choices/0/delta/content");
            if (content.isTextual()) text.append(content.asText());
            received.incrementAndGet();
        }
        return text.toString();
    }

    @Test
    void aReplicaKilledMidGenerationIsReplacedAndItsRunningAndQueuedRequestsComplete() throws Exception {
        assertEquals(200, PoolIT.admin("POST", "/admin/pools/lazy/scale", "{\"replicas\":1}").statusCode());
        PoolIT.awaitPool("lazy", "a warm replica", p -> p.get("replicas").size() == 1);
        String solo = JSON.readTree(OpenAiApiIT.post("/v1/chat/completions", LONG_STREAM.formatted("")).body())
                .at("/choices/0/message/content").asText();
        JsonNode before = PoolIT.pool("lazy");
        int victim = before.at("/replicas/0/number").asInt();

        AtomicInteger received = new AtomicInteger();
        List<CompletableFuture<String>> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return streamedText(LONG_STREAM.formatted(",\"stream\":true"), received);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        PoolIT.awaitPool("lazy", "two calls run and one queues", p -> p.at("/replicas/0/load").asInt() == 3 && received.get() > 3);
        HttpResponse<String> killed = PoolIT.admin("POST", "/admin/pools/lazy/replicas/" + victim + "/kill", "");
        assertEquals(200, killed.statusCode(), killed.body());

        for (CompletableFuture<String> stream : streams) {
            assertEquals(solo, stream.get(), "each stream resumed on the replacement and reads as if nothing happened");
        }
        JsonNode after = PoolIT.pool("lazy");
        assertEquals(before.get("replica_failures").asLong() + 1, after.get("replica_failures").asLong());
        assertNotEquals(victim, after.at("/replicas/0/number").asInt(), "a new replica replaced the killed one");
        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_model_call_retries_total{") && l.contains("model=\"lazy\"")), metrics);
        HttpResponse<String> noSuch = PoolIT.admin("POST", "/admin/pools/lazy/replicas/999/kill", "");
        assertEquals(400, noSuch.statusCode(), noSuch.body());
        assertTrue(noSuch.body().contains("no replica 999"), noSuch.body());
        assertEquals(200, PoolIT.admin("POST", "/admin/pools/lazy/scale", "{\"replicas\":0}").statusCode());
    }

    @Test
    void aModelThatCannotLoadFallsBackAndItsBreakerOpens() throws Exception {
        for (int i = 0; i < 5; i++) { // four failed loads open the breaker (window 4, ratio 0.75); the fifth finds it open
            HttpResponse<String> r = FunctionsIT.send("POST", "/v1/completions", "application/json",
                    "{\"model\":\"unreachable\",\"prompt\":\"hi\",\"max_tokens\":3,\"temperature\":0}".getBytes(StandardCharsets.UTF_8), null);
            assertEquals(200, r.statusCode(), "served by the fallback model: " + r.body());
        }
        JsonNode pool = PoolIT.pool("unreachable");
        assertEquals("failed", pool.at("/download/state").asText(), pool.toString());
        assertTrue(pool.at("/download/error").asText().contains("127.0.0.1:9"), pool.toString());
        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_fallbacks_total{") && l.contains("model=\"unreachable\"")
                && l.contains("fallback=\"default\"")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_circuit_breaker_state{") && l.contains("model=\"unreachable\"")
                && !l.endsWith(" 0.0") && !l.endsWith(" 0")), "the breaker left the closed state: " + metrics);
        HttpResponse<String> ready = OpenAiApiIT.get("/health/ready");
        assertEquals(200, ready.statusCode(), "a model loaded on demand that fails does not take the server out of service");
    }

    @Test
    void aModelWithABadSettingFailsAloneNamingTheSettingWhileTheOthersServe() throws Exception {
        OpenAiApiIT.waitUntilReady();
        HttpResponse<String> ready = OpenAiApiIT.get("/health/ready");
        assertEquals(200, ready.statusCode(), "the server is in service: " + ready.body());
        assertTrue(ready.body().contains("failed.misconfigured") && ready.body().contains("kv-tokens"), "readiness names it: " + ready.body());
        HttpResponse<String> call = OpenAiApiIT.post("/v1/chat/completions",
                "{\"model\":\"misconfigured\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
        assertEquals(503, call.statusCode(), call.body());
        assertTrue(call.body().contains("hearth.models.misconfigured.context was renamed hearth.models.misconfigured.kv-tokens"), call.body());
        assertTrue(OpenAiApiIT.get("/admin/pools").body().contains("\"misconfigured\""), "and /admin/pools lists it as failed");
        assertEquals(200, OpenAiApiIT.post("/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").statusCode(), "the others serve");
    }

    @Test
    void aKeepAliveHintHoldsAReplicaWithinOpsBoundsAndABadOneIs400() throws Exception {
        String fn = "keep-" + Long.toString(System.currentTimeMillis(), 36);
        byte[] archive = FunctionsIT.zipManifest("name: " + fn + "\nversion: 1\nmodel: lazy\nkind: prompt\nprompt:\n  template: \"Say {{ word }}\"\n"
                + "defaults: {max_tokens: 2, temperature: 0}\n");
        assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + fn, "application/zip", archive, null).statusCode());

        assertEquals(200, invokeWithKeepAlive(fn, "2h").statusCode());
        JsonNode held = PoolIT.awaitPool("lazy", "a replica", p -> p.get("replicas").size() == 1);
        assertEquals(3600, held.at("/replicas/0/idle_timeout_seconds").asDouble(), "2h is held to keep-alive-max (1h): " + held);
        Thread.sleep(3000);
        assertEquals(1, PoolIT.pool("lazy").get("replicas").size(), "kept past the model's 2 s idle-timeout");

        assertEquals(400, invokeWithKeepAlive(fn, "soon").statusCode());
        assertEquals(200, invokeWithKeepAlive(fn, "0s").statusCode());
        assertEquals(1, PoolIT.pool("lazy").at("/replicas/0/idle_timeout_seconds").asDouble(), "0 s is raised to keep-alive-min (1 s)");
        PoolIT.awaitPool("lazy", "unloaded a second after the last call", p -> p.get("replicas").isEmpty());
    }

    private static HttpResponse<String> invokeWithKeepAlive(String fn, String keepAlive) throws Exception {
        return HTTP.send(Credentials.to(BASE, "/fn/" + fn).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Hearth-Keep-Alive", keepAlive)
                .POST(HttpRequest.BodyPublishers.ofString("{\"word\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
