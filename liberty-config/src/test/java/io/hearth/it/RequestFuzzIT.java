package io.hearth.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's JSON endpoints against oversized bodies and a seeded stream of damaged request bodies: every answer is a success or a 4xx
 * whose body says what was wrong, never a 5xx or a stack trace. Bounded (300 requests with small token limits);
 * {@code -Dhearth.fuzz.seed=N} replays a run.
 */
class RequestFuzzIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final long SEED = Long.getLong("hearth.fuzz.seed", 20261122L);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String[]> VALID = List.of(
            new String[]{"/fn/summarize", "{\"text\":\"Hearth runs functions.\"}"},
            new String[]{"/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2,\"temperature\":0}"},
            new String[]{"/v1/completions", "{\"model\":\"default\",\"prompt\":\"Once\",\"max_tokens\":2,\"stop\":[\".\"]}"});
    private static final List<String> INSERTS = List.of("{", "}", "[", "]", ",", ":", "\"", "null", "-1", "1e999", "true", "\"x\"",
            "\\u0000", "{\"a\":", "[[[[[[[[", "\"max_tokens\":", "\"messages\":[]", "\"stream\":true", "9999999999");

    @Test
    void damagedBodiesGetA4xxWithAMessageNeverA5xx() throws Exception {
        OpenAiApiIT.waitUntilReady();
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            String[] target = VALID.get(random.nextInt(VALID.size()));
            String body = mutate(target[1], random);
            HttpResponse<String> r = HTTP.send(Credentials.to(BASE, target[0]).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String what = "case " + i + " (seed " + SEED + "): " + target[0] + " " + body + " -> " + r.statusCode() + " " + r.body();
            assertTrue(r.statusCode() < 500, what);
            if (r.statusCode() >= 400) {
                assertTrue(r.body().contains("\"error\"") && r.body().contains("\"message\""), "a JSON error with a message: " + what);
                assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + what);
            }
        }
    }

    @Test
    void aBodyNestedTooDeeplyIs400BeforeAnyParserDescends() throws Exception {
        OpenAiApiIT.waitUntilReady();
        String deep = "{\"text\":\"hi\",\"extra\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        for (String path : List.of("/fn/summarize", "/v1/chat/completions")) {
            HttpResponse<String> r = HTTP.send(Credentials.to(BASE, path).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(deep)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() == 400 && r.body().contains("nests deeper than 64 levels"), path + " -> " + r.statusCode() + " " + r.body());
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithAMessage() throws Exception {
        OpenAiApiIT.waitUntilReady();
        String huge = "{\"text\":\"" + "x".repeat(2 << 20) + "\"}";
        HttpResponse<String> r = HTTP.send(Credentials.to(BASE, "/fn/summarize").timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(huge)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 413 && r.body().contains("larger than 1048576 bytes"), r.statusCode() + " " + r.body());
        // without a declared length (a stream of unknown size) the read stops at the limit
        HttpResponse<String> streamed = HTTP.send(Credentials.to(BASE, "/fn/summarize").timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(streamed.statusCode() == 413 || streamed.statusCode() == 400, streamed.statusCode() + " " + streamed.body());
        assertTrue(streamed.body().contains("\"message\""), streamed.body());
    }

    private static String mutate(String valid, Random random) {
        StringBuilder s = new StringBuilder(valid);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(s.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> s.insert(at, INSERTS.get(random.nextInt(INSERTS.size())));
                case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(6)));
                default -> {
                    if (at < s.length()) s.setCharAt(at, (char) (32 + random.nextInt(95)));
                }
            }
        }
        // keep generation short even where a mutation made the body valid with a large limit
        return s.toString().replace("9999999999", "2");
    }
}
