package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model pool on a real server: the test server runs "lazy", a model that does not preload and scales to zero
 * after 2 s idle, beside the preloaded "default".
 */
class PoolIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAZY_FN = "lazy-" + Long.toString(System.currentTimeMillis(), 36);

    @BeforeAll
    static void deployAFunctionOnTheLazyModel() throws Exception {
        OpenAiApiIT.waitUntilReady();
        byte[] archive = FunctionsIT.zipManifest("name: " + LAZY_FN + "\nversion: 1\nmodel: lazy\nkind: prompt\nprompt:\n  template: \"Say {{ word }}\"\n"
                + "defaults: {max_tokens: 4, temperature: 0}\n");
        assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + LAZY_FN, "application/zip", archive, null).statusCode());
    }

    static JsonNode pool(String model) throws Exception {
        HttpResponse<String> r = OpenAiApiIT.get("/admin/pools/" + model);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode awaitPool(String model, String what, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode p = pool(model);
            if (condition.test(p)) return p;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what + ": " + p);
            Thread.sleep(200);
        }
    }

    static HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return FunctionsIT.send(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void anIdleModelScalesToZeroAndItsNextCallIsAColdStartWithProgress() throws Exception {
        awaitPool("lazy", "lazy is cold", p -> p.get("replicas").isEmpty());
        JsonNode cold = JSON.readTree(FunctionsIT.invoke(LAZY_FN, "{\"word\":\"hi\"}").body());
        assertNotNull(cold.get("cold_start"), "the first call waited for a load: " + cold);
        assertTrue(cold.get("cold_start").get("load_ms").asDouble() > 0);
        assertTrue(List.of("host", "disk").contains(cold.get("cold_start").get("tier").asText()));

        JsonNode warm = JSON.readTree(FunctionsIT.invoke(LAZY_FN, "{\"word\":\"hi\"}").body());
        assertFalse(warm.has("cold_start"), "a warm replica answered: " + warm);
        assertEquals(cold.get("output"), warm.get("output"));

        awaitPool("lazy", "lazy scaled to zero after its 2 s idle timeout", p -> p.get("replicas").isEmpty());
        HttpResponse<String> streamed = FunctionsIT.send("POST", "/fn/" + LAZY_FN, "application/json",
                "{\"word\":\"hi\"}".getBytes(StandardCharsets.UTF_8), "text/event-stream");
        String body = streamed.body();
        assertTrue(body.contains("event: loading\ndata: {\"model\":\"lazy\",\"percent\":100,\"phase\":\"load\"}"), body);
        assertTrue(body.indexOf("event: loading") < body.indexOf("\"text\""), "progress comes before the first token");
        assertTrue(body.contains("\"cold_start\""), body);

        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        assertTrue(metrics.matches("(?s).*hearth_cold_starts_total\\{[^}]*model=\"lazy\"[^}]*} [2-9].*"), "two cold starts of lazy counted");
        assertTrue(metrics.contains("hearth_model_load_seconds_count{"), metrics);
        assertTrue(metrics.matches("(?s).*hearth_replicas\\{[^}]*model=\"default\"[^}]*state=\"warm\"[^}]*} 1.*"), "default's warm replica");
    }

    @Test
    void concurrentCallsShareBatchesAndAnswerAsTheyDoAlone() throws Exception {
        String request = "{\"model\":\"default\",\"prompt\":\"batch %d\",\"max_tokens\":12,\"temperature\":0}";
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < 4; i++) alone.add(JSON.readTree(OpenAiApiIT.post("/v1/completions", request.formatted(i)).body()).at("/choices/0/text").asText());
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<String>> together = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                together.add(clients.submit(() -> JSON.readTree(OpenAiApiIT.post("/v1/completions", request.formatted(n)).body())
                        .at("/choices/0/text").asText()));
            }
            for (int i = 0; i < 4; i++) assertEquals(alone.get(i), together.get(i).get(), "greedy output of call " + i + " in a batch");
        }
        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        double largest = metrics.lines().filter(l -> l.startsWith("hearth_batch_size_max{") && l.contains("model=\"default\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
        assertTrue(largest > 1, "some forward step carried more than one sequence (hearth_batch_size_max " + largest + ")");
    }

    @Test
    void theServerJoinsItsPrefixCacheClusterAndPublishesPromptBlocks() throws Exception {
        String longPrompt = "{\"model\":\"default\",\"prompt\":\"" + "a shared system prompt ".repeat(12) + "\",\"max_tokens\":2,\"temperature\":0}";
        assertEquals(200, OpenAiApiIT.post("/v1/completions", longPrompt).statusCode());
        HttpResponse<String> again = OpenAiApiIT.post("/v1/completions", longPrompt);
        assertTrue(JSON.readTree(again.body()).at("/usage/prompt_tokens_details/cached_tokens").asInt() >= 16,
                "the repeated prompt's blocks came from the prefix cache: " + again.body());
        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_prefix_shared_available") && l.endsWith(" 1.0")),
                "the embedded Hazelcast member is up: " + metrics.lines().filter(l -> l.contains("prefix")).toList());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String m = OpenAiApiIT.get("/metrics?scope=application").body();
            double published = m.lines().filter(l -> l.startsWith("hearth_prefix_shared_blocks_published"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            if (published > 0) break;
            if (System.nanoTime() > deadline) throw new AssertionError("no prompt block was published to the shared tier");
            Thread.sleep(200);
        }
    }

    @Test
    void opsScaleDrainAndChangeThePolicyAndAFullQueueIs429() throws Exception {
        assertEquals(400, admin("POST", "/admin/pools/lazy/scale", "{}").statusCode(), "scale without replicas is refused");
        assertEquals(200, admin("POST", "/admin/pools/lazy/scale", "{\"replicas\":1}").statusCode());
        awaitPool("lazy", "ops' replica is warm", p -> p.get("replicas").size() == 1);
        assertEquals(400, admin("POST", "/admin/pools/lazy/scale", "{\"replicas\":5}").statusCode(), "never beyond max-replicas");
        assertEquals(404, admin("POST", "/admin/pools/nope/drain", "").statusCode());

        HttpResponse<String> changed = admin("PUT", "/admin/pools/lazy/policy", "{\"max_batch\":1,\"max_queue\":0}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(1, JSON.readTree(changed.body()).at("/policy/max_batch").asInt());
        assertEquals(400, admin("PUT", "/admin/pools/lazy/policy", "{\"idle_timeout\":\"soon\"}").statusCode());
        HttpResponse<String> misspelled = admin("PUT", "/admin/pools/lazy/policy", "{\"maxBatch\":2}");
        assertEquals(400, misspelled.statusCode(), "a field that would change nothing is refused, not ignored: " + misspelled.body());
        assertTrue(misspelled.body().contains("maxBatch") && misspelled.body().contains("max_batch"), misspelled.body());
        HttpResponse<String> kvTokens = admin("PUT", "/admin/pools/lazy/policy", "{\"kv_tokens\":1024}");
        assertEquals(1024, JSON.readTree(kvTokens.body()).get("kv_tokens").asInt(), kvTokens.body());
        assertEquals(400, admin("PUT", "/admin/pools/lazy/policy", "{\"kv_tokens\":4}").statusCode());
        assertEquals(200, admin("PUT", "/admin/pools/lazy/policy", "{\"kv_tokens\":4096}").statusCode());

        try (ExecutorService client = Executors.newSingleThreadExecutor()) {
            // the prompt FunctionsIT uses for a long call: greedy decoding on the built-in weights does not stop early
            String longCall = "{\"model\":\"lazy\",\"messages\":[{\"role\":\"user\",\"content\":\"talk\"}],\"max_tokens\":1500,\"temperature\":0}";
            Future<HttpResponse<String>> running = client.submit(() -> OpenAiApiIT.post("/v1/chat/completions", longCall));
            awaitPool("lazy", "the long call runs", p -> p.get("replicas").size() == 1 && p.at("/replicas/0/load").asInt() == 1);
            HttpResponse<String> refused = OpenAiApiIT.post("/v1/completions", "{\"model\":\"lazy\",\"prompt\":\"me too\",\"max_tokens\":2}");
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            // streams are refused before they start, with the status and header a client retries on, not an error inside a
            // 200; an embedding's inputs meet the same full queue
            for (String[] streamed : new String[][]{{"/v1/chat/completions", "{\"model\":\"lazy\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"me too\"}]}"},
                    {"/v1/completions", "{\"model\":\"lazy\",\"stream\":true,\"prompt\":\"me too\",\"max_tokens\":2}"},
                    {"/v1/embeddings", "{\"model\":\"lazy\",\"input\":\"me too\"}"}}) {
                HttpResponse<String> full = OpenAiApiIT.post(streamed[0], streamed[1]);
                assertEquals(429, full.statusCode(), streamed[0] + ": " + full.body());
                assertTrue(full.headers().firstValue("Retry-After").isPresent(), streamed[0]);
                assertEquals("rate_limit_error", JSON.readTree(full.body()).at("/error/type").asText(), full.body());
            }
            assertEquals(200, running.get().statusCode());
        }
        assertEquals(200, admin("PUT", "/admin/pools/lazy/policy", "{\"max_batch\":8,\"max_queue\":64}").statusCode());
        assertEquals(200, admin("POST", "/admin/pools/lazy/scale", "{\"replicas\":0}").statusCode());
        awaitPool("lazy", "drained to zero", p -> p.get("replicas").isEmpty());
    }
}
