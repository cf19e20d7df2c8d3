package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invocation needs an API key on a server as it ships: no key or a bad one is 401, a key reaches only its functions
 * (403 beyond them, through /fn and the OpenAI API alike), is held to its rate limit and token quota (429 with
 * Retry-After), and stops at once when revoked. Keys are listed without their secrets.
 */
class ApiKeysIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(String key, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        if (key != null) b.header("Authorization", "Bearer " + key);
        return HTTP.send((json == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(json))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A key made from {@code json}, its name made unique to this run (names are unique on a server, which may have
     * served earlier runs) and its scope every function unless the test names one (a scope is required).
     */
    private static JsonNode created(String json) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode body = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        body.put("name", body.get("name").asText() + "-" + Long.toString(System.nanoTime(), 36));
        if (!body.has("functions")) body.putArray("functions").add("*");
        HttpResponse<String> r = Credentials.createKey(BASE, body.toString());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String message(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).at("/error/message").asText();
    }

    @Test
    void invocationNeedsAValidKey() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        HttpResponse<String> none = call(null, "/fn/summarize", "{\"text\":\"hi\"}");
        assertEquals(401, none.statusCode(), none.body());
        assertTrue(message(none).contains("API key"), none.body());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, call(null, "/v1/models", null).statusCode(), "the OpenAI API too");
        assertEquals(401, call("hk_000000000000_forged", "/fn/summarize", "{\"text\":\"hi\"}").statusCode());
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "health stays open to probes");
    }

    @Test
    void aKeyReachesOnlyItsFunctions() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        String key = created("{\"name\":\"summarizer\",\"functions\":[\"summarize\"]}").get("key").asText();
        assertEquals(200, call(key, "/fn/summarize", "{\"text\":\"hi\"}").statusCode());
        HttpResponse<String> other = call(key, "/fn/classify", "{\"text\":\"hi\"}");
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(message(other).contains("may not call classify"), other.body());
        assertEquals(403, call(key, "/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").statusCode(),
                "a model itself is for keys of every function");
        assertEquals(200, call(key, "/v1/chat/completions", "{\"model\":\"summarize\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}").statusCode(),
                "its function through the OpenAI API");
        JsonNode listed = JSON.readTree(call(key, "/fn", null).body());
        assertEquals(1, listed.size(), "it sees only what it may call: " + listed);
        JsonNode models = JSON.readTree(call(key, "/v1/models", null).body()).get("data");
        assertEquals(1, models.size(), models.toString());
    }

    @Test
    void aKeyIsHeldToItsRateLimitAndQuotaAndStopsWhenRevoked() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        JsonNode limited = created("{\"name\":\"limited\",\"rate_limit\":{\"requests_per_minute\":2,\"burst\":2}}");
        String key = limited.get("key").asText();
        assertEquals(200, call(key, "/fn/summarize", "{\"text\":\"one\"}").statusCode());
        assertEquals(200, call(key, "/fn/summarize", "{\"text\":\"two\"}").statusCode());
        HttpResponse<String> third = call(key, "/fn/summarize", "{\"text\":\"three\"}");
        assertEquals(429, third.statusCode(), third.body());
        assertEquals("rate_limit_error", JSON.readTree(third.body()).at("/error/type").asText());
        assertEquals("rate_limited", JSON.readTree(third.body()).at("/error/code").asText());
        long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 31, "two a minute: one every 30 s, told " + retryAfter);

        // a call reserves its most (prompt bound + max_tokens) before it runs: one that cannot fit is refused at once
        HttpResponse<String> tooSmall = call(created("{\"name\":\"tiny\",\"token_quota\":{\"tokens_per_day\":5}}").get("key").asText(),
                "/fn/summarize", "{\"text\":\"spend the quota\"}");
        assertEquals(429, tooSmall.statusCode(), tooSmall.body());
        java.util.regex.Matcher most = java.util.regex.Pattern.compile("may use up to (\\d+)").matcher(message(tooSmall));
        assertTrue(most.find(), message(tooSmall));
        // a quota of exactly one call's most: the first call fits, and what it used leaves too little for a second
        JsonNode meteredKey = created("{\"name\":\"metered\",\"token_quota\":{\"tokens_per_day\":" + most.group(1) + "}}");
        String metered = meteredKey.get("key").asText();
        assertEquals(200, call(metered, "/fn/summarize", "{\"text\":\"spend the quota\"}").statusCode());
        HttpResponse<String> over = call(metered, "/fn/summarize", "{\"text\":\"spend the quota\"}");
        assertEquals(429, over.statusCode(), over.body());
        assertEquals("rate_limit_error", JSON.readTree(over.body()).at("/error/type").asText());
        assertEquals("quota_exceeded", JSON.readTree(over.body()).at("/error/code").asText());
        assertTrue(over.headers().firstValue("Retry-After").isPresent());

        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/metrics?scope=application")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("hearth_api_key_refusals_total{") && l.contains("reason=\"rate_limited\"")),
                "refusals are counted by reason for ops");
        String perKey = OpenAiApiIT.get("/admin/metrics").body();
        assertTrue(perKey.lines().anyMatch(l -> l.startsWith("hearth_api_key_tokens_total{") && l.contains("key=\"" + meteredKey.get("name").asText() + "\"")),
                "tokens are counted per key, for ops behind the admin login: " + perKey);

        String id = limited.get("id").asText();
        HttpResponse<String> list = OpenAiApiIT.get("/admin/keys");
        assertTrue(list.body().contains(id), list.body());
        assertFalse(list.body().contains(key.substring(("hk_" + id + "_").length())), "secrets are never listed");
        for (JsonNode k : JSON.readTree(list.body())) assertNull(k.get("key"), "no key text in a listing");
        assertTrue(JSON.readTree(OpenAiApiIT.get("/admin/keys").body()).findValues("used_today").stream().anyMatch(n -> n.asLong() > 5),
                "today's token use is shown");

        String fresh = created("{\"name\":\"to-revoke\"}").get("key").asText();
        String freshId = fresh.split("_")[1];
        assertEquals(200, call(fresh, "/fn/summarize", "{\"text\":\"before\"}").statusCode());
        HttpResponse<String> revoked = HTTP.send(Credentials.to(BASE, "/admin/keys/" + freshId).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, revoked.statusCode(), revoked.body());
        assertEquals(401, call(fresh, "/fn/summarize", "{\"text\":\"after\"}").statusCode(), "revoked: refused at once");
        assertEquals(404, HTTP.send(Credentials.to(BASE, "/admin/keys/" + freshId).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void keysOfDifferentTenantsNeverReuseEachOthersCachedPrompts() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        String alice = created("{\"name\":\"alice-app\",\"tenant\":\"team-a\"}").get("key").asText();
        String aliceToo = created("{\"name\":\"alice-batch\",\"tenant\":\"team-a\"}").get("key").asText();
        String bob = created("{\"name\":\"bob-app\",\"tenant\":\"team-b\"}").get("key").asText();
        String text = "{\"text\":\"" + ("Quarterly figures for the northern region rose by a small margin " + System.nanoTime() + ". ").repeat(6) + "\"}";
        assertEquals(200, call(alice, "/fn/summarize", text).statusCode());
        int sameTenant = JSON.readTree(call(aliceToo, "/fn/summarize", text).body()).at("/usage/cached_tokens").asInt();
        int otherTenant = JSON.readTree(call(bob, "/fn/summarize", text).body()).at("/usage/cached_tokens").asInt();
        assertTrue(sameTenant > otherTenant + 16, "a key of the same tenant reuses the whole prompt (" + sameTenant
                + " cached), another tenant only the function's public start (" + otherTenant + ")");
    }

    @Test
    void badKeyRequestsSayWhatToFix() throws Exception {
        HttpResponse<String> r = Credentials.createKey(BASE, "{\"functions\":[\"summarize\"]}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(message(r).contains("name is required"), r.body());
        assertEquals(400, Credentials.createKey(BASE, "{\"name\":\"x\",\"rate_limit\":{\"requests_per_minute\":-1}}").statusCode());
        HttpResponse<String> noLogin = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/admin/keys")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"sneaky\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noLogin.statusCode(), "only ops make keys");
    }
}
