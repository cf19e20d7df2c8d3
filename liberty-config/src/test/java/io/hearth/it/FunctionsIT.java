package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Functions on a real server: the sample archives from the drop-in folder, deploys over HTTP, invocation, versions. */
class FunctionsIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    static final java.util.List<String> SAMPLES = java.util.List.of("chat", "summarize", "ask", "classify", "extract-json", "world-clock", "triage");

    @BeforeAll
    static void waitForSampleFunctions() throws Exception {
        OpenAiApiIT.waitUntilReady();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String list = OpenAiApiIT.get("/fn").body();
            if (SAMPLES.stream().allMatch(name -> list.contains("\"" + name + "\""))) return;
            if (System.nanoTime() > deadline) throw new AssertionError("sample functions not deployed from the drop-in folder: " + list);
            Thread.sleep(500);
        }
    }

    static HttpResponse<String> send(String method, String path, String contentType, byte[] body, String accept) throws Exception {
        HttpRequest.Builder b = Credentials.to(BASE, path).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) b.header("Accept", accept);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> invoke(String function, String json) throws Exception {
        return send("POST", "/fn/" + function, "application/json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** A name of its own per run: the test server's function store outlives a run when target/ is kept. */
    private static final String ECHO = "echo-" + Long.toString(System.currentTimeMillis(), 36);

    static byte[] archive(String version, String template) throws Exception {
        return zipManifest("name: " + ECHO + "\nversion: " + version + "\nmodel: default\nkind: prompt\nprompt:\n  template: \"" + template
                + "\"\ndefaults: {max_tokens: 3, temperature: 0}\n");
    }

    /** Deploys version 1 of a prompt function on the default model; {@code extra} is more function.yaml. */
    static void deployPromptFunction(String name, String template, String extra) throws Exception {
        byte[] archive = zipManifest("name: " + name + "\nversion: 1\nmodel: default\nkind: prompt\nprompt:\n  template: \""
                + template + "\"\n" + extra + "\n");
        assertEquals(201, send("PUT", "/admin/functions/" + name, "application/zip", archive, null).statusCode());
    }

    /** A zip holding only function.yaml, with a fixed entry time: the same version must be the same bytes on every run. */
    static byte[] zipManifest(String yaml) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            ZipEntry entry = new ZipEntry("function.yaml");
            entry.setTime(0);
            zip.putNextEntry(entry);
            zip.write(yaml.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static byte[] unzipManifest(byte[] archive) throws Exception {
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(archive))) {
            zip.getNextEntry();
            return zip.readAllBytes();
        }
    }

    @Test
    void samplePromptAndJavaFunctionsAnswer() throws Exception {
        HttpResponse<String> summary = invoke("summarize", "{\"text\":\"Hearth runs functions that call models.\"}");
        assertEquals(200, summary.statusCode(), summary.body());
        JsonNode s = JSON.readTree(summary.body());
        assertEquals("summarize", s.get("function").asText());
        assertEquals("1.0.0", s.get("version").asText());
        assertTrue(s.get("output").isTextual());
        assertTrue(s.get("usage").get("completion_tokens").asInt() > 0);
        assertTrue(s.get("timings").get("ttft_ms").asDouble() > 0);
        assertTrue(s.get("timings").get("total_ms").asDouble() >= s.get("timings").get("ttft_ms").asDouble());

        HttpResponse<String> ask = invoke("ask", "{\"question\":\"What is a hearth?\"}");
        assertEquals(200, ask.statusCode(), ask.body());
        JsonNode a = JSON.readTree(ask.body()).get("output");
        assertEquals("What is a hearth?", a.get("question").asText());
        assertTrue(a.get("answer").isTextual());

        HttpResponse<String> chat = invoke("chat", "{\"message\":\"hello\"}");
        assertEquals(200, chat.statusCode(), chat.body());

        // constrained decoding: on the random-weights default model too, the answers are data
        JsonNode classified = JSON.readTree(invoke("classify", "{\"text\":\"I love it\"}").body()).get("output");
        java.util.List<?> labels = JSON.convertValue(classified.get("labels"), java.util.List.class);
        assertEquals(java.util.List.of("positive", "negative", "neutral"), labels);
        assertTrue(labels.contains(classified.get("label").asText()), "always one of its labels: " + classified);

        HttpResponse<String> extract = invoke("extract-json", "{\"text\":\"Ada, 36\",\"fields\":[\"name\",\"age\"]}");
        assertEquals(200, extract.statusCode(), extract.body());
        JsonNode extracted = JSON.readTree(extract.body()).get("output").get("json");
        assertEquals(java.util.Set.of("name", "age"), JSON.convertValue(extracted, java.util.Map.class).keySet(), "exactly the fields: " + extracted);

        HttpResponse<String> clock = invoke("world-clock", "{\"question\":\"What time is it in Tokyo?\"}");
        assertEquals(200, clock.statusCode(), clock.body());
        JsonNode times = JSON.readTree(clock.body()).get("output").get("times");
        assertFalse(times.isEmpty(), "get_time was called: " + times);
        times.properties().forEach(e -> {
            assertTrue(java.util.Set.of("UTC", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney").contains(e.getKey()),
                    "a zone the tool's schema allows: " + e.getKey());
            java.time.ZonedDateTime.parse(e.getValue().asText()); // the function ran the lookup
        });

        HttpResponse<String> triage = invoke("triage", "{\"text\":\"I was charged twice\"}");
        assertEquals(200, triage.statusCode(), triage.body());
        JsonNode ticket = JSON.readTree(triage.body()).get("output");
        assertTrue(java.util.Set.of("billing", "bug", "account", "other").contains(ticket.get("category").asText()), "typed output: " + ticket);
        assertTrue(ticket.get("priority").isInt() && ticket.get("priority").asInt() >= 1 && ticket.get("priority").asInt() <= 4, ticket.toString());

        HttpResponse<String> bad = invoke("ask", "{}");
        assertEquals(400, bad.statusCode(), "a function rejecting its input: " + bad.body());
        assertTrue(bad.body().contains("send {\\\"question\\\""), bad.body());
        assertFalse(bad.body().contains("at io.hearth"), "no stack trace");
    }

    @Test
    void metricsCountInvocationsAndOpenApiDescribesTheEndpoints() throws Exception {
        invoke("summarize", "{\"text\":\"count me\"}");
        invoke("nope-" + System.nanoTime(), "{}");
        String metrics = OpenAiApiIT.get("/metrics?scope=application").body();
        assertTrue(metrics.contains("hearth_invocations_total{function=\"summarize\",mp_scope=\"application\",status=\"200\"}")
                || metrics.matches("(?s).*hearth_invocations_total\\{[^}]*function=\"summarize\"[^}]*status=\"200\".*"), metrics);
        assertTrue(metrics.contains("hearth_ttft_seconds"), "time to first token is measured");
        assertTrue(metrics.contains("hearth_tokens_out_total"));
        assertTrue(metrics.matches("(?s).*hearth_invocations_total\\{[^}]*status=\"404\".*"), "failures are counted by status");
        String openapi = OpenAiApiIT.get("/openapi").body();
        for (String path : new String[]{"/fn/{reference}", "/admin/functions/{name}", "/v1/chat/completions", "/v1/completions", "/v1/embeddings",
                "/v1/models/{id}"}) {
            assertTrue(openapi.contains(path), "/openapi documents " + path);
        }
    }

    /** A call that arrives while the model's replica is busy reports the time it waited as queue_ms. */
    @Test
    void aShortCallBesideALongOneJoinsItsBatchInsteadOfWaiting() throws Exception {
        String name = "long-" + Long.toString(System.currentTimeMillis(), 36);
        deployPromptFunction(name, "talk", "defaults: {max_tokens: 1000, temperature: 0}");
        var longCall = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return invoke(name, "{}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300); // the long call (seconds of generation) runs on the replica now
        JsonNode quick = JSON.readTree(invoke("summarize", "{\"text\":\"quick\"}").body());
        assertFalse(longCall.isDone(), "the short call finished while the long one was still generating");
        assertTrue(quick.get("timings").get("queue_ms").asDouble() < 100, "admitted at the next step: " + quick.get("timings"));
        assertEquals(200, longCall.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode());
    }

    @Test
    void inputOverTheFunctionsLimitIs422() throws Exception {
        String name = "tight-" + Long.toString(System.currentTimeMillis(), 36);
        deployPromptFunction(name, "{{ text }}", "limits: {max_input_tokens: 8}");
        HttpResponse<String> r = invoke(name, "{\"text\":\"" + "many words ".repeat(20) + "\"}");
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("above the limit of 8"), r.body());
    }

    @Test
    void streamingInvocationSendsPiecesThenTheAnswer() throws Exception {
        HttpResponse<String> r = send("POST", "/fn/summarize", "application/json",
                "{\"text\":\"streams\"}".getBytes(StandardCharsets.UTF_8), "text/event-stream");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String[] events = r.body().split("\n\n");
        assertEquals("data: [DONE]", events[events.length - 1]);
        JsonNode answer = JSON.readTree(events[events.length - 2].substring(6));
        StringBuilder pieces = new StringBuilder();
        for (int i = 0; i < events.length - 2; i++) pieces.append(JSON.readTree(events[i].substring(6)).get("text").asText());
        assertEquals(answer.get("output").asText(), pieces.toString());
    }

    @Test
    void adminNeedsTheOperatorsPassword() throws Exception {
        byte[] archive = archive("1", "Say {{ word }}");
        for (String credentials : new String[]{null, Credentials.basic(Credentials.USER, "wrong")}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + "/admin/functions/" + ECHO))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/zip")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(archive));
            if (credentials != null) b.header("Authorization", credentials);
            HttpResponse<String> refused = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), "PUT /admin without the right login");
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), "the client is told to log in");
            assertTrue(JSON.readTree(refused.body()).at("/error/message").asText().contains("admin login"), refused.body());
        }
        assertEquals(200, invoke("summarize", "{\"text\":\"no login needed\"}").statusCode(), "invocation needs no admin login");
    }

    @Test
    void deployVersionsPinRollBackAndRefuseBadArchives() throws Exception {
        HttpResponse<String> v1 = send("PUT", "/admin/functions/" + ECHO, "application/zip", archive("1", "Say {{ word }}"), null);
        assertTrue(v1.statusCode() == 201 || v1.statusCode() == 200, v1.body());
        HttpResponse<String> v2 = send("PUT", "/admin/functions/" + ECHO, "application/zip", archive("2", "Shout {{ word }}"), null);
        assertTrue(v2.statusCode() == 201 || v2.statusCode() == 200, v2.body());
        assertEquals(200, send("PUT", "/admin/functions/" + ECHO, "application/zip", archive("2", "Shout {{ word }}"), null).statusCode(),
                "the same version with the same bytes is idempotent");

        assertEquals("2", JSON.readTree(invoke(ECHO, "{\"word\":\"hi\"}").body()).get("version").asText());
        assertEquals("1", JSON.readTree(invoke(ECHO + "@1", "{\"word\":\"hi\"}").body()).get("version").asText());

        HttpResponse<String> conflict = send("PUT", "/admin/functions/" + ECHO, "application/zip", archive("2", "Changed"), null);
        assertEquals(409, conflict.statusCode(), conflict.body());
        HttpResponse<String> junk = send("PUT", "/admin/functions/" + ECHO, "application/zip", "junk".getBytes(), null);
        assertEquals(400, junk.statusCode(), junk.body());
        assertEquals("2", JSON.readTree(invoke(ECHO, "{\"word\":\"hi\"}").body()).get("version").asText(),
                "failed deploys leave the running version serving");

        HttpResponse<String> rolledBack = send("POST", "/admin/functions/" + ECHO + "/rollback", "application/json", new byte[0], null);
        assertEquals(200, rolledBack.statusCode(), rolledBack.body());
        assertEquals("1", JSON.readTree(invoke(ECHO, "{\"word\":\"hi\"}").body()).get("version").asText());

        assertEquals(404, invoke("missing", "{}").statusCode());
        assertEquals(404, invoke(ECHO + "@9", "{}").statusCode());
        assertEquals(400, invoke(ECHO, "[not json").statusCode());
    }
}
