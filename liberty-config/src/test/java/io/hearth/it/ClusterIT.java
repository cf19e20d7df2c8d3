package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.hearth.pool.prefix.ClusterSeal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Liberty servers on loopback in one Hazelcast cluster: the test server (A, member on 19701) and a second one
 * (B) this test starts with its cluster settings in the environment, as an operator would. A function deployed on
 * B is served by A; A finds the function's long system prompt in the shared tier, skips its prefill and answers
 * exactly as B did; when B leaves, A keeps serving. Then B runs as a client of a separately started Hazelcast
 * member and shares blocks through it.
 */
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String A = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final String B = System.getProperty("hearth.it.b-url", "http://localhost:19180");
    private static final String SYSTEM = "You are the support assistant of Hearth, a platform that runs functions calling models. "
            + "Answer in one short sentence, politely, and never invent facts about the platform. ";

    @AfterEach
    void stopB() throws Exception {
        server("stop", Map.of());
    }

    private static void server(String action, Map<String, String> env) throws Exception {
        Path wlp = Path.of(System.getProperty("hearth.it.wlp", "target/liberty/wlp"));
        ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, "hearth-it-b").inheritIO();
        builder.environment().putAll(env);
        Process p = builder.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "server " + action + " finished");
        if (action.equals("start")) assertEquals(0, p.exitValue(), "server start");
    }

    private static HttpResponse<String> send(String base, String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = Credentials.to(base, path).timeout(Duration.ofSeconds(120))
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            try {
                if (send(base, "GET", "/health/ready", "text/plain", new byte[0]).statusCode() == 200) return;
            } catch (java.io.IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline) throw new AssertionError("server at " + base + " not ready within 180 s");
            Thread.sleep(500);
        }
    }

    /** The function's prompt is the question alone: nothing is pinned, so only a computed prompt can be shared. */
    private static String deployQuestionOnly(String base, String name) throws Exception {
        return deploy(base, name, "prompt:\n  template: \"{{ question }}\"\n");
    }

    private static String deployWithSystemPrompt(String base, String name) throws Exception {
        return deploy(base, name, "prompt:\n  system: \"" + SYSTEM.repeat(3) + "\"\n  template: \"{{ question }}\"\n");
    }

    private static String deploy(String base, String name, String prompt) throws Exception {
        byte[] archive = FunctionsIT.zipManifest("name: " + name + "\nversion: 1\nmodel: default\nkind: prompt\n" + prompt
                + "defaults: {max_tokens: 8, temperature: 0}\n");
        HttpResponse<String> deployed = send(base, "PUT", "/admin/functions/" + name, "application/zip", archive);
        assertEquals(201, deployed.statusCode(), deployed.body());
        return name;
    }

    private static JsonNode invoke(String base, String function, String question) throws Exception {
        HttpResponse<String> r = send(base, "POST", "/fn/" + function, "application/json",
                ("{\"question\":\"" + question + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), base + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** A condition on a server, which may need a request to check. */
    private interface Check {
        boolean holds() throws Exception;
    }

    /** Waits up to {@code seconds} for {@code check}; the assertion that follows says what was expected. */
    private static void waitFor(int seconds, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!check.holds() && System.nanoTime() < deadline) Thread.sleep(250);
    }

    private static boolean listed(String base, String function) throws Exception {
        return send(base, "GET", "/fn", "application/json", new byte[0]).body().contains("\"" + function + "\"");
    }

    /** The default model's entry in {@code GET /admin/prefix-cache}. */
    static JsonNode defaultModelPrefixCache(String base) throws Exception {
        JsonNode status = JSON.readTree(send(base, "GET", "/admin/prefix-cache", "application/json", new byte[0]).body());
        for (JsonNode m : status.get("models")) if (m.get("model").asText().equals("default")) return m;
        throw new AssertionError("no default model in " + status);
    }

    /** A metric's value on /metrics: the first line of {@code name} whose labels include {@code labels}. */
    private static double metric(String base, String name, String... labels) throws Exception {
        for (String l : send(base, "GET", "/metrics", "text/plain", new byte[0]).body().lines().toList()) {
            if (!l.startsWith(name + "{") || !java.util.Arrays.stream(labels).allMatch(l::contains)) continue;
            return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    @Test
    void aFunctionDeployedOnOneServerIsServedByTheOtherFromSharedPrefixBlocksAndSurvivesItsLeaving() throws Exception {
        OpenAiApiIT.waitUntilReady();
        server("start", Map.of("HEARTH_CLUSTER_PORT", "19702", "HEARTH_CLUSTER_MEMBERS", "127.0.0.1:19701"));
        awaitReady(B);
        String name = deployQuestionOnly(B, "clustered-" + Long.toString(System.currentTimeMillis(), 36));
        String question = SYSTEM.repeat(2) + "What is a hearth?";

        JsonNode onB = invoke(B, name, question);
        assertEquals(0, onB.get("usage").get("cached_tokens").asInt(), "B computed the whole prompt");

        waitFor(30, () -> listed(A, name));
        JsonNode onA = invoke(A, name, question);
        assertEquals("1", onA.get("version").asText(), "A serves the function deployed on B");
        int shared = onA.get("usage").get("shared_cached_tokens").asInt();
        assertTrue(shared >= 64, "A found the system prompt's blocks in the shared tier: " + onA.get("usage"));
        assertEquals(onB.get("output").asText(), onA.get("output").asText(), "and answers exactly as B, which computed them");
        assertTrue(metric(A, "hearth_prefix_cache_hits_total", "model=\"default\"", "tier=\"shared\"") >= shared / 16.0);

        HttpResponse<String> keyMadeOnA = HTTP.send(HttpRequest.newBuilder(URI.create(B + "/fn/" + name)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + Credentials.apiKey(A)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"Is my key known here?\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keyMadeOnA.statusCode(), "an API key made on A works on B: " + keyMadeOnA.body());

        assertEquals(204, send(B, "DELETE", "/admin/functions/" + name, "application/json", new byte[0]).statusCode());
        waitFor(30, () -> !listed(A, name));
        assertEquals(404, send(A, "POST", "/fn/" + name, "application/json", "{}".getBytes(StandardCharsets.UTF_8)).statusCode(),
                "undeployed on B, gone on A");

        String survivor = deployQuestionOnly(B, "survivor-" + Long.toString(System.currentTimeMillis(), 36));
        waitFor(30, () -> listed(A, survivor));
        server("stop", Map.of());
        JsonNode afterB = invoke(A, survivor, "Who runs the functions?");
        assertTrue(afterB.get("output").isTextual(), "A keeps serving after B left");
        waitFor(30, () -> metric(A, "hearth_prefix_shared_members") == 1.0);
        assertEquals(1.0, metric(A, "hearth_prefix_shared_members"), "and its cluster is itself again");
    }

    @Test
    void aFunctionsSystemPromptIsPinnedOnDeploySoEvenItsFirstCallSkipsIt() throws Exception {
        OpenAiApiIT.waitUntilReady();
        String name = deployWithSystemPrompt(A, "pinned-" + Long.toString(System.currentTimeMillis(), 36));
        waitFor(60, () -> defaultModelPrefixCache(A).get("pins").path(name + "@1").asInt() > 0);
        JsonNode model = defaultModelPrefixCache(A);
        assertTrue(model.get("pins").path(name + "@1").asInt() >= 4, "the function's system prompt is pinned: " + model);
        JsonNode first = invoke(A, name, "What is a hearth?");
        assertTrue(first.get("usage").get("cached_tokens").asInt() >= 64, "the first call skipped the system prompt: " + first.get("usage"));
    }

    @Test
    void aServerInClientModeSharesBlocksThroughAnExternalCluster() throws Exception {
        // the external cluster's operator gives it Hearth's cluster name and secret, as README says
        Config config = new Config().setClusterName(ClusterSeal.of(System.getProperty("hearth.it.cluster.secret")).clusterName("hearth-external"));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(19710).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        HazelcastInstance external = Hazelcast.newHazelcastInstance(config);
        try {
            server("start", Map.of("HEARTH_CLUSTER_MODE", "client", "HEARTH_CLUSTER_NAME", "hearth-external",
                    "HEARTH_CLUSTER_MEMBERS", "127.0.0.1:19710"));
            awaitReady(B);
            String name = deployWithSystemPrompt(B, "client-mode-" + Long.toString(System.currentTimeMillis(), 36));
            invoke(B, name, "What is a hearth?");
            waitFor(30, () -> external.getCacheManager().getCache("hearth-kv-blocks").size() > 0);
            assertTrue(external.getCacheManager().getCache("hearth-kv-blocks").size() > 0, "B stored its prompt blocks in the external cluster");
            assertTrue(external.getMap("hearth-function-routing").containsKey(name), "and its function");

            JsonNode status = JSON.readTree(send(B, "GET", "/admin/prefix-cache", "application/json", new byte[0]).body());
            assertTrue(status.get("shared").get("available").asBoolean(), status.toString());
            assertTrue(status.get("shared").get("blocks_published").asLong() > 0, status.toString());
            JsonNode cleared = JSON.readTree(send(B, "DELETE", "/admin/prefix-cache/default", "application/json", new byte[0]).body());
            assertTrue(cleared.get("shared_entries").asInt() > 0, "ops cleared the model's entries: " + cleared);
            assertEquals(0, external.getCacheManager().getCache("hearth-kv-blocks").size());
        } finally {
            external.shutdown();
        }
    }
}
