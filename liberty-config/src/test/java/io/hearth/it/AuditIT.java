package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every invocation and admin action lands in the server's audit log as a JSON line, and prompts never do. */
class AuditIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOG = Path.of(System.getProperty("hearth.it.wlp", "target/liberty/wlp"), "usr/servers/hearth-it/logs/audit.0.jsonl");

    private static Optional<JsonNode> find(String path, String marker) throws Exception {
        if (!Files.exists(LOG)) return Optional.empty();
        List<String> lines = Files.readAllLines(LOG);
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode entry = JSON.readTree(lines.get(i));
            if (entry.get("path").asText().equals(path) && lines.get(i).contains(marker)) return Optional.of(entry);
        }
        return Optional.empty();
    }

    /** The whole audit log so far. */
    static String auditLog() throws Exception {
        return Files.exists(LOG) ? Files.readString(LOG) : "";
    }

    @Test
    void theAuditRecordsThePathAsReceivedAndTheRouteItReached() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        RawHttp.Answer a = RawHttp.send(System.getProperty("hearth.it.base-url", "http://localhost:19080"), "POST", "/%66n/summarize",
                java.util.Map.of("Authorization", "Bearer " + Credentials.apiKey(System.getProperty("hearth.it.base-url", "http://localhost:19080")),
                        "Content-Type", "application/json"), "{\"text\":\"spelled\"}");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (find("/%66n/summarize", "\"status\"").isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        JsonNode entry = find("/%66n/summarize", "\"status\"").orElseThrow(() -> new AssertionError("no entry for the spelled path (" + a.status() + ")"));
        assertEquals(a.status(), entry.get("status").asInt());
        if (a.status() == 200) assertEquals("/fn/{reference}", entry.get("route").asText());
    }

    @Test
    void invocationsAndAdminActionsAreAuditedWithoutTheirPrompts() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        String secret = "audit-secret-" + System.nanoTime();
        assertEquals(200, FunctionsIT.invoke("summarize", "{\"text\":\"" + secret + "\"}").statusCode());
        assertEquals(200, OpenAiApiIT.get("/admin/models").statusCode());
        assertEquals(404, FunctionsIT.invoke("no-such-function", "{}").statusCode());

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (find("/admin/models", "\"who\":\"admin\"").isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        JsonNode invocation = find("/fn/summarize", "\"status\":200").orElseThrow(() -> new AssertionError("no audit entry in " + LOG));
        assertTrue(invocation.get("who").asText().startsWith("key:it-tests-"), "the caller, by its API key's name: " + invocation.get("who"));
        assertEquals("/fn/{reference}", invocation.get("route").asText(), "and the route it was dispatched to");
        assertEquals("summarize", invocation.get("function").asText());
        assertTrue(invocation.get("completion_tokens").asInt() > 0 && invocation.get("ms").asDouble() > 0, invocation.toString());
        assertTrue(find("/admin/models", "\"who\":\"admin\"").isPresent(), "the admin action, with its user");
        assertTrue(find("/fn/no-such-function", "\"status\":404").isPresent(), "refusals too");
        assertFalse(Files.readString(LOG).contains(secret), "prompt text is never written");
    }

    @Test
    void theEndUserAnOpenAiCallNamesIsRecorded() throws Exception {
        String user = "end-user-" + Long.toString(System.nanoTime(), 36);
        assertEquals(200, OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"max_tokens\":1,\"user\":\"" + user
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").statusCode());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (find("/v1/chat/completions", user).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        assertEquals(user, find("/v1/chat/completions", user).orElseThrow(() -> new AssertionError("no entry with the user")).get("user").asText());
    }
}
