package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A guarded prompt function named as the model at /v1 takes the same path as at /fn: its deny rule refuses, its
 * redaction applies both ways, its concurrency limit sheds, and the call is counted under api="openai" and audited
 * with the function's name; a model called by name is counted too, and latencies are histograms.
 */
class OpenAiFunctionPathIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "guarded-" + Long.toString(System.currentTimeMillis(), 36);

    @BeforeAll
    static void deploy() throws Exception {
        OpenAiApiIT.waitUntilReady();
        byte[] archive = FunctionsIT.zipManifest("name: " + NAME + "\nversion: 1\nmodel: default\nkind: prompt\n"
                + "prompt:\n  system: Be brief.\n  template: \"{{ text }}\"\ndefaults: {max_tokens: 64, temperature: 0}\n"
                + "limits: {concurrency: 1}\nguards: {deny: [\"(?i)internal only\"], redact: [email]}\n");
        assertEquals(201, FunctionsIT.send("PUT", "/admin/functions/" + NAME, "application/zip", archive, null).statusCode());
    }

    private static HttpResponse<String> chat(String content, int maxTokens) throws Exception {
        return OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"" + NAME + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(content) + "}],\"max_tokens\":" + maxTokens + ",\"temperature\":0}");
    }

    @Test
    void theFunctionsGuardsLimitsMetricsAndAuditHoldAtV1() throws Exception {
        HttpResponse<String> refused = chat("this is INTERNAL ONLY data", 4);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("input_refused"), refused.body());

        HttpResponse<String> redacted = chat("mail ada@example.org please", 4);
        assertEquals(200, redacted.statusCode(), redacted.body());
        assertFalse(redacted.body().contains("ada@example.org"), "redaction applies at /v1 too: " + redacted.body());

        assertEquals(400, chat("hi", 1000).statusCode(), "no more tokens than the function's own max_tokens");

        // the concurrency limit of 1: of calls sent together, some are shed with 429
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) calls.add(pool.submit(() -> chat("a long answer, please", 64).statusCode()));
            int shed = 0;
            for (Future<Integer> c : calls) if (c.get() == 429) shed++;
            assertTrue(shed >= 1, "calls past the function's concurrency limit are shed at /v1 as at /fn");
        } finally {
            pool.shutdown();
        }

        String metrics = OpenAiApiIT.get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_invocations_total{") && l.contains("api=\"openai\"")
                && l.contains("function=\"" + NAME + "\"") && l.contains("status=\"200\"")), "counted under api=openai");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_invocations_total{") && l.contains("function=\"" + NAME + "\"")
                && l.contains("status=\"400\"")), "refusals too");
        assertTrue(metrics.contains("hearth_ttft_seconds_bucket{"), "time to first token is a histogram");
        assertTrue(metrics.contains("hearth_requests_running{") && metrics.contains("hearth_kv_cache_usage_ratio{"), "the pool's gauges");

        assertEquals(200, OpenAiApiIT.post("/v1/chat/completions",
                "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").statusCode());
        assertTrue(OpenAiApiIT.get("/metrics").body().contains("function=\"model:default\""), "a model called by name is counted too");

        Thread.sleep(500);
        String audit = AuditIT.auditLog();
        assertTrue(audit.lines().anyMatch(l -> l.contains("\"route\":\"/v1/chat/completions\"") && l.contains("\"function\":\"" + NAME + "\"")
                && l.contains("\"version\":\"1\"")), "the audit entry names the function and its version");
    }
}
