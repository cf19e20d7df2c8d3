package io.hearth.it;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the tests send as, as a client and an ops script would: the operator account on /admin/*, and an API key (one
 * per server, created through the admin API on first use, with room for the tests' traffic) on everything else.
 */
final class Credentials {
    static final String USER = "admin";
    static final String PASSWORD = System.getProperty("hearth.it.admin.password", "it-admin-password");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    private Credentials() {
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A request to {@code base + path} carrying the admin login (admin paths) or the tests' API key (the rest). */
    static HttpRequest.Builder to(String base, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        return path.startsWith("/admin") ? request.header("Authorization", basic(USER, PASSWORD))
                : request.header("Authorization", "Bearer " + apiKey(base));
    }

    /** The tests' API key on the server at {@code base}: every function, a rate limit no test reaches. */
    static String apiKey(String base) {
        return KEYS.computeIfAbsent(base, Credentials::createKey);
    }

    private static void revokeNamed(String base, String name) throws Exception {
        HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/keys")).header("Authorization", basic(USER, PASSWORD))
                .build(), HttpResponse.BodyHandlers.ofString());
        for (var key : new ObjectMapper().readTree(listed.body())) {
            if (key.get("name").asText().equals(name)) {
                HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/keys/" + key.get("id").asText())).header("Authorization", basic(USER, PASSWORD))
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
        }
    }

    /** Creates a key through the admin API; {@code json} is the body of POST /admin/keys. Returns the response. */
    static HttpResponse<String> createKey(String base, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/keys")).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String createKey(String base) {
        try {
            // names are unique in a cluster, so one per server; one tenant, so the servers share cached prompts
            String name = "it-tests-" + URI.create(base).getPort();
            String body = "{\"name\":\"" + name + "\",\"tenant\":\"it-tests\",\"functions\":[\"*\"],\"rate_limit\":{\"requests_per_minute\":100000,\"burst\":10000}}";
            HttpResponse<String> created = createKey(base, body);
            if (created.statusCode() == 409) {
                // an earlier run on this server made it (names are unique, and its text was shown once): replace it
                revokeNamed(base, name);
                created = createKey(base, body);
            }
            if (created.statusCode() != 201) throw new IllegalStateException("cannot create the tests' API key on " + base + ": " + created.body());
            return new ObjectMapper().readTree(created.body()).get("key").asText();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the tests' API key on " + base, e);
        }
    }
}
