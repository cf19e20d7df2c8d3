package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.hearth.pool.prefix.ClusterSeal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server as an attacker finds it, on every port it opens: URL spellings that once skipped the API-key check, the
 * cluster port without the secret, template and number tricks in inputs, catastrophic-regex input, quota races,
 * fail-open keys, unbounded metrics, guessing the admin password. Each attempt is refused, in the API's JSON shape.
 */
class SecurityIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final String HTTPS = System.getProperty("hearth.it.https-url", "https://localhost:19443");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every route that needs a key, with a body that would be served with one. */
    private static final List<String[]> PROTECTED = List.of(
            new String[]{"POST", "/fn/summarize", "{\"text\":\"hi\"}"},
            new String[]{"POST", "/fn/ask", "{\"question\":\"hi\"}"},
            new String[]{"GET", "/fn", null},
            new String[]{"GET", "/v1/models", null},
            new String[]{"POST", "/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"},
            new String[]{"POST", "/v1/completions", "{\"model\":\"default\",\"prompt\":\"hi\",\"max_tokens\":2}"});

    /** Ways to spell a path's first segment and its rest that a router may still dispatch, and a filter may not recognize. */
    private static List<String> spellings(String path) {
        int cut = path.indexOf('/', 1);
        String first = cut < 0 ? path.substring(1) : path.substring(1, cut);
        String rest = cut < 0 ? "" : path.substring(cut);
        String encodedFirst = "%" + Integer.toHexString(first.charAt(0)) + first.substring(1);
        List<String> out = new ArrayList<>(List.of(
                "/" + first + ";x" + rest, "/" + first + ";" + rest, "//" + first + rest, "/" + encodedFirst + rest,
                "/" + first.toUpperCase() + rest, path + "/", "/" + first + "/." + rest, "/x/../" + first + rest,
                "/" + first + "/;x" + rest, path + ";x", "/./" + first + rest));
        if (!rest.isEmpty()) out.add("/" + first + "%2F" + rest.substring(1));
        return out;
    }

    @BeforeAll
    static void ready() throws Exception {
        OpenAiApiIT.waitUntilReady();
    }

    @Test
    void noSpellingOfAProtectedRouteServesACallerWithoutAKeyOnEitherPort() throws Exception {
        for (String base : List.of(BASE, HTTPS)) {
            for (String[] route : PROTECTED) {
                for (String path : spellings(route[1])) {
                    RawHttp.Answer a = RawHttp.send(base, route[0], path, route[2] == null ? Map.of() : Map.of("Content-Type", "application/json"), route[2]);
                    assertTrue(a.status() == 401 || a.status() == 404 || a.status() == 400 || a.status() == 405,
                            route[0] + " " + base + path + " without a key: " + a.status() + " " + a.body());
                    assertTrue(errorShaped(a), route[0] + " " + path + ": the API's JSON error, got " + a.body());
                    assertFalse(a.body().contains("RESTEASY") || a.body().contains("at com.") || a.body().contains("at io."),
                            "no internals: " + a.body());
                }
            }
        }
    }

    @Test
    void noSpellingOfAnAdminRouteServesWithoutTheLogin() throws Exception {
        for (String path : List.of("/admin/keys", "/admin/functions", "/admin/pools", "/admin/metrics")) {
            for (String spelled : spellings(path)) {
                RawHttp.Answer a = RawHttp.send(BASE, "GET", spelled, Map.of(), null);
                assertTrue(a.status() == 401 || a.status() == 404 || a.status() == 400, "GET " + spelled + " without login: " + a.status() + " " + a.body());
                assertTrue(errorShaped(a), spelled + ": " + a.body());
            }
        }
        RawHttp.Answer traversal = RawHttp.send(BASE, "GET", "/admin/keys/..%2F..", Map.of("Authorization", Credentials.basic(Credentials.USER, Credentials.PASSWORD)), null);
        assertTrue(traversal.status() >= 400 && traversal.status() < 500 && traversal.body().startsWith("{\"error\":"), traversal.status() + " " + traversal.body());
    }

    @Test
    void aKeyIsCheckedAgainstTheFunctionTheRouterDispatchedTo() throws Exception {
        String scoped = JSON.readTree(Credentials.createKey(BASE, "{\"name\":\"only-chat-" + System.nanoTime() + "\",\"functions\":[\"chat\"]}").body())
                .get("key").asText();
        for (String path : List.of("/fn/summarize", "/fn/%73ummarize", "/fn/summarize;x", "/fn;x/summarize", "/fn/summarize@1.0.0")) {
            RawHttp.Answer a = RawHttp.send(BASE, "POST", path, Map.of("Authorization", "Bearer " + scoped, "Content-Type", "application/json"), "{\"text\":\"hi\"}");
            assertTrue(a.status() == 403 || a.status() == 404, path + " with a key for chat only: " + a.status() + " " + a.body());
        }
        // a function's name at /v1/completions would run its model without its system prompt and template
        RawHttp.Answer raw = RawHttp.send(BASE, "POST", "/v1/completions", Map.of("Authorization", "Bearer " + scoped, "Content-Type", "application/json"),
                "{\"model\":\"chat\",\"prompt\":\"hi\",\"max_tokens\":2}");
        assertEquals(400, raw.status(), raw.body());
        assertTrue(raw.body().contains("/v1/chat/completions"), raw.body());
    }

    @Test
    void theClusterPortTurnsAwayAClientWithoutTheSecretAndForgedKeysAreAcceptedNowhere() throws Exception {
        ClientConfig guess = new ClientConfig().setClusterName("hearth");
        guess.getNetworkConfig().addAddress("127.0.0.1:19701");
        guess.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(3_000);
        assertThrows(IllegalStateException.class, () -> HazelcastClient.newHazelcastClient(guess), "cluster name 'hearth' alone does not get in");

        // an insider with the secret's cluster name but not the sealing key (as if the name leaked): reads nothing, forges nothing
        ClusterSeal secret = ClusterSeal.of(System.getProperty("hearth.it.cluster.secret"));
        ClientConfig leaked = new ClientConfig().setClusterName(secret.clusterName("hearth"));
        leaked.getNetworkConfig().addAddress("127.0.0.1:19701");
        HazelcastInstance client = HazelcastClient.newHazelcastClient(leaked);
        try {
            IMap<String, byte[]> keys = client.getMap("hearth-api-keys");
            Credentials.apiKey(BASE);
            assertFalse(keys.isEmpty(), "the server shares its keys");
            for (byte[] sealed : keys.values()) {
                assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("\"hash\""), "key records are sealed, not readable");
            }
            String forged = "{\"id\":\"0badc0ffee00\",\"name\":\"intruder\",\"functions\":[\"*\"],\"requestsPerMinute\":600,\"burst\":60,"
                    + "\"tokensPerDay\":0,\"tenant\":\"intruder\",\"created\":\"2026-01-01T00:00:00Z\",\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
                    + "\"hash\":\"" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(concat(new byte[16], "x".getBytes(StandardCharsets.UTF_8)))) + "\"}";
            keys.put("0badc0ffee00", forged.getBytes(StandardCharsets.UTF_8));
            Thread.sleep(1_000);
            RawHttp.Answer a = RawHttp.send(BASE, "GET", "/v1/models", Map.of("Authorization", "Bearer hk_0badc0ffee00_x"), null);
            assertEquals(401, a.status(), "the forged key is refused: " + a.body());
            assertFalse(OpenAiApiIT.get("/admin/keys").body().contains("intruder"), "and not listed");
            assertTrue(metric("hearth_cluster_rejected_entries") >= 1, "the forgery is reported");
        } finally {
            client.shutdown();
        }
    }

    /**
     * The API's JSON error; or Liberty's own 400 for a URI it will not decode (a {@code ;} after an empty segment),
     * which it answers before any application sees the request: refused, without a stack frame, but in its own words.
     */
    private static boolean errorShaped(RawHttp.Answer a) {
        if (a.body().startsWith("{\"error\":")) return true;
        return a.status() == 400 && a.body().contains("CWWWC0005I") && !a.body().contains("\tat ") && !a.body().contains("Exception");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void inputsAreDataNeverTemplateAndHugeNumbersAreRefused() throws Exception {
        HttpResponse<String> injected = post("/fn/chat", "{\"message\":\"{{ \\\"x\\\".repeat(100000*10000)|length }}{% for i in range(100000000) %}x{% endfor %}\"}");
        assertEquals(200, injected.statusCode(), "rendered as text, at once: " + injected.body());
        HttpResponse<String> spin = post("/fn/chat", "{\"message\":\"{{ n + 1 }}\",\"n\":1e100000000}");
        assertEquals(400, spin.statusCode(), spin.body());
        assertTrue(spin.body().contains("n: numbers must be finite"), spin.body());
        HttpResponse<String> missing = post("/fn/summarize", "{\"txt\":\"typo\"}");
        assertEquals(400, missing.statusCode(), "a template variable the input lacks: " + missing.body());
        assertEquals(400, post("/fn/chat", "[\"an\",\"array\"]").statusCode(), "a function's input is an object");
    }

    @Test
    void looseTypesAreRefusedNamingTheField() throws Exception {
        String base = "{\"model\":\"default\",\"messages\":[{\"role\":\"%s\",\"content\":\"hi\"}],%s}";
        Map<String, String> cases = Map.of(
                "\"max_tokens\":\"5\"", "max_tokens", "\"max_tokens\":1.5", "max_tokens", "\"temperature\":1e38", "temperature",
                "\"temperature\":\"hot\"", "temperature", "\"seed\":99999999999999999999999", "seed", "\"top_k\":4294967297", "top_k");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = post("/v1/chat/completions", base.formatted("user", c.getKey()));
            assertEquals(400, r.statusCode(), c.getKey() + ": " + r.body());
            assertTrue(r.body().contains(c.getValue()), c.getKey() + " names " + c.getValue() + ": " + r.body());
        }
        HttpResponse<String> role = post("/v1/chat/completions", base.formatted("hacker", "\"max_tokens\":2"));
        assertEquals(400, role.statusCode(), role.body());
        assertTrue(role.body().contains("hacker"), role.body());
    }

    @Test
    void redactionOfHostileInputEndsInTime() throws Exception {
        byte[] archive = FunctionsIT.zipManifest("name: redacting\nversion: 1\nmodel: default\nkind: prompt\nprompt: {template: \"{{ text }}\"}\n"
                + "defaults: {max_tokens: 2, temperature: 0}\nlimits: {timeout_ms: 20000}\nguards: {redact: [email, phone, card, ip]}\n");
        HttpResponse<String> deployed = HTTP.send(Credentials.to(BASE, "/admin/functions/redacting").header("Content-Type", "application/zip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(archive)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(deployed.statusCode() == 201 || deployed.statusCode() == 200, deployed.body());
        long start = System.nanoTime();
        HttpResponse<String> r = post("/fn/redacting", "{\"text\":\"" + "a".repeat(900_000) + "\"}");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 30, "900 KB screened in " + seconds + " s (quadratic matching took hours)");
        assertTrue(r.statusCode() == 200 || r.statusCode() == 422, r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
    }

    @Test
    void concurrentCallsNeverSpendPastAKeysQuota() throws Exception {
        int quota = 400;
        JsonNode made = JSON.readTree(Credentials.createKey(BASE, "{\"name\":\"metered-" + System.nanoTime() + "\",\"functions\":[\"chat\"],"
                + "\"token_quota\":{\"tokens_per_day\":" + quota + "}}").body());
        String key = made.get("key").asText();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(pool.submit((Callable<Integer>) () -> HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/fn/chat"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello there\"}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()));
            }
            int served = 0, refused = 0;
            for (Future<Integer> c : calls) {
                int status = c.get();
                if (status == 200) served++;
                else if (status == 429) refused++;
            }
            assertTrue(served >= 1 && refused >= 1, "some fit the quota and the rest were refused: " + served + " served, " + refused + " refused");
        } finally {
            pool.shutdown();
        }
        long used = 0;
        for (JsonNode k : JSON.readTree(OpenAiApiIT.get("/admin/keys").body())) {
            if (k.get("id").asText().equals(made.get("id").asText())) used = k.get("token_quota").get("used_today").asLong();
        }
        assertTrue(used > 0 && used <= quota, "the quota of " + quota + " holds under concurrent calls: " + used + " used");
    }

    @Test
    void keysAreNeverAllAccessByAccidentAndNamesAreUnique() throws Exception {
        HttpResponse<String> empty = Credentials.createKey(BASE, "{\"name\":\"empty-scope\",\"functions\":[]}");
        assertEquals(400, empty.statusCode(), empty.body());
        assertEquals(400, Credentials.createKey(BASE, "{\"name\":\"no-scope\"}").statusCode());
        String name = "unique-" + System.nanoTime();
        assertEquals(201, Credentials.createKey(BASE, "{\"name\":\"" + name + "\",\"functions\":[\"chat\"]}").statusCode());
        HttpResponse<String> twin = Credentials.createKey(BASE, "{\"name\":\"" + name + "\",\"functions\":[\"*\"]}");
        assertEquals(409, twin.statusCode(), twin.body());
    }

    @Test
    void metricsHoldNoCallerMadeSeriesAndNoKeyNames() throws Exception {
        String madeUp = "made-up-" + System.nanoTime();
        assertEquals(404, post("/fn/" + madeUp, "{}").statusCode());
        String metrics = RawHttp.send(BASE, "GET", "/metrics", Map.of(), null).body();
        assertFalse(metrics.contains(madeUp), "a name a caller made up adds no series");
        assertTrue(metrics.contains("function=\"unknown\""), "it is counted as unknown");
        assertFalse(metrics.contains("hearth_api_key_requests_total"), "key names are not public");
        assertEquals(401, RawHttp.send(BASE, "GET", "/admin/metrics", Map.of(), null).status());
        String admin = OpenAiApiIT.get("/admin/metrics").body();
        assertTrue(admin.contains("hearth_api_key_requests_total{key=\"it-tests-"), admin);
    }

    @Test
    void guessingTheAdminPasswordIsThrottledAndAudited() throws Exception {
        // from another loopback address, so the lockout does not reach the other tests' client
        String from = "127.0.0.2";
        Map<String, String> wrong = Map.of("Authorization", Credentials.basic("admin", "guess"));
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            RawHttp.Answer a = RawHttp.send(BASE, from, "GET", "/admin/keys", wrong, null);
            if (a.status() == 429) refused++;
            else assertEquals(401, a.status(), a.body());
        }
        assertTrue(refused >= 2, "after ten failures the address is locked out: " + refused);
        RawHttp.Answer right = RawHttp.send(BASE, from, "GET", "/admin/keys", Map.of("Authorization", Credentials.basic(Credentials.USER, Credentials.PASSWORD)), null);
        assertEquals(429, right.status(), "while locked, the right password is answered as a wrong one: " + right.body());
        Map<String, String> login = Map.of("Authorization", Credentials.basic(Credentials.USER, Credentials.PASSWORD));
        assertEquals(429, RawHttp.send(BASE, from, "GET", "/admin/no-such-thing", login, null).status(), "on a made-up path too (no 404 to tell)");
        assertEquals(429, RawHttp.send(BASE, from, "PATCH", "/admin/keys", login, null).status(), "and with a method no resource takes");
        assertEquals(200, OpenAiApiIT.get("/admin/keys").statusCode(), "other addresses are not locked");
        String audit = AuditIT.auditLog();
        assertTrue(audit.contains("\"event\":\"admin_login_failed\"") && audit.contains("\"from\":\"127.0.0.2\""), "failed logins are audited");
    }

    private static double metric(String name) throws Exception {
        for (String line : RawHttp.send(BASE, "GET", "/metrics", Map.of(), null).body().lines().toList()) {
            if (line.startsWith(name)) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(Credentials.to(BASE, path).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
