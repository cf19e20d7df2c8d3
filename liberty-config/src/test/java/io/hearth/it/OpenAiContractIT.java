package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI contract as clients rely on it: OpenAI's error shape (type, code, param), content parts, the usage at
 * the end of a stream, one model by id, fields Hearth does not do refused by name, and stream failures that clients
 * see as failures: the real status before the first token, an error event after it.
 */
class OpenAiContractIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static OpenAIClient client;

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAiClientIT.sdk();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).get("error");
    }

    @Test
    void errorsHaveOpenAisShapeWithTheFieldAtFault() throws Exception {
        HttpResponse<String> hot = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"temperature\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(400, hot.statusCode(), hot.body());
        assertEquals("invalid_request_error", error(hot).get("type").asText());
        assertEquals("temperature", error(hot).get("param").asText(), hot.body());

        HttpResponse<String> typed = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"max_tokens\":\"5\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("max_tokens", error(typed).get("param").asText(), typed.body());

        HttpResponse<String> role = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"wizard\",\"content\":\"y\"}]}");
        assertTrue(error(role).get("param").asText().startsWith("messages"), role.body());

        HttpResponse<String> missing = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found_error", error(missing).get("type").asText());
        assertEquals("model_not_found", error(missing).get("code").asText());
        assertTrue(error(missing).has("param"), "param is always present (null when no field is at fault): " + missing.body());

        HttpResponse<String> keyless = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, keyless.statusCode());
        assertEquals("authentication_error", error(keyless).get("type").asText(), keyless.body());
    }

    @Test
    void fieldsForWhatHearthDoesNotDoAreRefusedByName() throws Exception {
        for (String field : List.of("\"n\":9", "\"audio\":{\"voice\":\"alloy\"}", "\"modalities\":[\"text\",\"audio\"]", "\"logprobs\":true,\"top_logprobs\":30",
                "\"logprobs\":3",
                "\"echo\":true", "\"prediction\":{\"type\":\"content\",\"content\":\"x\"}")) {
            HttpResponse<String> r = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\"," + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            assertEquals(400, r.statusCode(), field + ": " + r.body());
            String name = field.contains("top_logprobs") ? "top_logprobs" : field.substring(1, field.indexOf('"', 1));
            assertEquals(name, error(r).get("param").asText(), r.body());
        }
        HttpResponse<String> defaults = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"n\":1,\"logprobs\":false,\"echo\":false,"
                + "\"modalities\":[\"text\"],\"max_tokens\":2,\"some_future_field\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, defaults.statusCode(), "default values change nothing, and unknown fields stay ignored: " + defaults.body());
    }

    @Test
    void contentPartsAreJoinedTextAndOtherPartsAreRefused() throws Exception {
        String parts = "[{\"type\":\"text\",\"text\":\"hello\"},{\"type\":\"text\",\"text\":\"world\"}]";
        long asParts = promptTokens("{\"model\":\"default\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"name\":\"ada\",\"content\":" + parts + "}]}");
        long asText = promptTokens("{\"model\":\"default\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hello\\nworld\"}]}");
        assertEquals(asText, asParts, "text parts are the text joined with newlines");
        HttpResponse<String> image = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}");
        assertEquals(400, image.statusCode());
        assertTrue(error(image).get("message").asText().contains("text only"), image.body());
        assertEquals("messages[0].content[1]", error(image).get("param").asText());
    }

    private static long promptTokens(String body) throws Exception {
        HttpResponse<String> r = OpenAiApiIT.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("usage").get("prompt_tokens").asLong();
    }

    @Test
    void aStreamThatAsksForItsUsageEndsWithIt() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("default").addUserMessage("hello there")
                .maxCompletionTokens(6).temperature(0.0).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletion whole = client.chat().completions().create(params.toBuilder().streamOptions(java.util.Optional.empty()).build());
        AtomicReference<ChatCompletionChunk> last = new AtomicReference<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(last::set);
        }
        assertTrue(last.get().choices().isEmpty(), "the usage chunk has no choices");
        assertEquals(whole.usage().orElseThrow().completionTokens(), last.get().usage().orElseThrow().completionTokens());
        assertEquals(whole.usage().orElseThrow().promptTokens(), last.get().usage().orElseThrow().promptTokens());
    }

    @Test
    void langChain4jsStreamingModelReportsTheSameUsageAsTheBlockingOne() throws Exception {
        String key = Credentials.apiKey(BASE);
        ChatResponse blocking = OpenAiChatModel.builder().baseUrl(BASE + "/v1").apiKey(key).modelName("default").temperature(0.0).maxTokens(6).build()
                .chat(UserMessage.from("hello there"));
        CompletableFuture<ChatResponse> streamed = new CompletableFuture<>();
        OpenAiStreamingChatModel.builder().baseUrl(BASE + "/v1").apiKey(key).modelName("default").temperature(0.0).maxTokens(6).build()
                .chat(List.of(UserMessage.from("hello there")), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        streamed.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        streamed.completeExceptionally(error);
                    }
                });
        ChatResponse response = streamed.get(60, TimeUnit.SECONDS);
        assertNotNull(response.tokenUsage(), "LangChain4j asks for include_usage and gets it");
        assertEquals(blocking.tokenUsage().outputTokenCount(), response.tokenUsage().outputTokenCount());
        assertEquals(blocking.tokenUsage().inputTokenCount(), response.tokenUsage().inputTokenCount());
        assertEquals(blocking.aiMessage().text(), response.aiMessage().text());
    }

    @Test
    void logitBiasAndPenaltiesShapeTheAnswer() throws Exception {
        // +100 on one token makes greedy decoding write it every time: three tokens, one piece three times
        HttpResponse<String> forced = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"max_tokens\":3,\"temperature\":0,"
                + "\"logit_bias\":{\"700\":100},\"user\":\"ada\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, forced.statusCode(), forced.body());
        String text = JSON.readTree(forced.body()).get("choices").get(0).get("message").get("content").asText();
        assertTrue(!text.isEmpty() && text.length() % 3 == 0 && text.equals(text.substring(0, text.length() / 3).repeat(3)), "one token three times: " + text);
        HttpResponse<String> penalized = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"max_tokens\":3,\"temperature\":0,"
                + "\"logit_bias\":{\"700\":100},\"frequency_penalty\":2,\"presence_penalty\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, penalized.statusCode(), penalized.body());
        HttpResponse<String> bad = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"logit_bias\":{\"cat\":1},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("logit_bias", error(bad).get("param").asText(), bad.body());
        HttpResponse<String> far = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"presence_penalty\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("presence_penalty", error(far).get("param").asText(), far.body());
    }

    @Test
    void completionsTakeBatchesAndTokenIds() throws Exception {
        JsonNode batch = JSON.readTree(OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":4,\"temperature\":0,"
                + "\"prompt\":[\"once upon\",\"the model\"]}").body());
        assertEquals(2, batch.get("choices").size(), batch.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode choice = batch.get("choices").get(i);
            assertEquals(i, choice.get("index").asInt());
            String alone = JSON.readTree(OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":4,\"temperature\":0,\"prompt\":\""
                    + (i == 0 ? "once upon" : "the model") + "\"}").body()).get("choices").get(0).get("text").asText();
            assertEquals(alone, choice.get("text").asText(), "each prompt of a batch answers as it does alone");
        }
        JsonNode ids = JSON.readTree(OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":2,\"prompt\":[[1,300,301],[1,302]]}").body());
        assertEquals(2, ids.get("choices").size(), ids.toString());
        assertEquals(5, ids.get("usage").get("prompt_tokens").asInt(), "token ids are the prompt, as given");
        HttpResponse<String> unknown = OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"prompt\":[1,99999999]}");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(error(unknown).get("message").asText().contains("not in the model's vocabulary"), unknown.body());
        HttpResponse<String> fim = OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"prompt\":\"a\",\"suffix\":\"b\"}");
        assertEquals("suffix", error(fim).get("param").asText(), fim.body());
        HttpResponse<String> nCompletions = OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"prompt\":\"a\",\"n\":2}");
        assertEquals(400, nCompletions.statusCode(), "n on completions is refused, not ignored: " + nCompletions.body());
        assertEquals("n", error(nCompletions).get("param").asText(), nCompletions.body());
    }

    @Test
    void logprobsComeWithEachTokenAndItsAlternatives() throws Exception {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("default").addUserMessage("hello")
                .maxCompletionTokens(5).temperature(0.0).logprobs(true).topLogprobs(3).build());
        var content = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertEquals(c.usage().orElseThrow().completionTokens(), content.size(), "one entry per generated token");
        for (var entry : content) {
            assertEquals(3, entry.topLogprobs().size());
            assertTrue(entry.logprob() <= 0);
            assertEquals(entry.logprob(), entry.topLogprobs().getFirst().logprob(), 1e-6, "greedy: the token chosen is the most likely");
        }
        JsonNode text = JSON.readTree(OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":4,\"temperature\":0,\"logprobs\":2,\"prompt\":\"once\"}").body());
        JsonNode lp = text.get("choices").get(0).get("logprobs");
        assertEquals(text.get("usage").get("completion_tokens").asInt(), lp.get("token_logprobs").size(), text.toString());
        assertEquals(String.join("", JSON.convertValue(lp.get("tokens"), String[].class)), text.get("choices").get(0).get("text").asText());

        List<Double> streamed = new java.util.ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("hello").maxCompletionTokens(5).temperature(0.0).logprobs(true).topLogprobs(3).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.logprobs().flatMap(l -> l.content())
                    .ifPresent(entries -> entries.forEach(e -> streamed.add(e.logprob())))));
        }
        assertEquals(content.size(), streamed.size(), "a stream carries each token's log-probability in its chunk");
        // the same distributions; the prompt's blocks now come from the cache, which changes float rounding only
        for (int i = 0; i < streamed.size(); i++) assertEquals(content.get(i).logprob(), streamed.get(i), 1e-4, "token " + i);
    }

    @Test
    void echoRepeatsThePromptWithItsLogprobsWhereAsked() throws Exception {
        JsonNode plain = JSON.readTree(OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":3,\"temperature\":0,\"prompt\":\"once upon\"}").body());
        JsonNode echoed = JSON.readTree(OpenAiApiIT.post("/v1/completions",
                "{\"model\":\"default\",\"max_tokens\":3,\"temperature\":0,\"echo\":true,\"logprobs\":1,\"prompt\":\"once upon\"}").body());
        String answer = plain.at("/choices/0/text").asText();
        assertEquals("once upon" + answer, echoed.at("/choices/0/text").asText());
        JsonNode lp = echoed.at("/choices/0/logprobs");
        int prompt = echoed.at("/usage/prompt_tokens").asInt(), completion = echoed.at("/usage/completion_tokens").asInt();
        assertEquals(prompt + completion, lp.get("token_logprobs").size(), "the prompt's tokens, then the answer's: " + lp);
        assertTrue(lp.get("token_logprobs").get(0).isNull(), "nothing predicts the first token: " + lp);
        for (int i = 1; i < prompt + completion; i++) assertTrue(lp.get("token_logprobs").get(i).asDouble() <= 0, lp.toString());
        assertEquals(echoed.at("/choices/0/text").asText(), String.join("", JSON.convertValue(lp.get("tokens"), String[].class)),
                "the tokens spell the echoed text");

        for (String body : List.of("{\"model\":\"default\",\"echo\":true,\"prompt\":[1,2,3]}",
                "{\"model\":\"default\",\"echo\":true,\"logprobs\":1,\"stream\":true,\"prompt\":\"x\"}")) {
            HttpResponse<String> r = OpenAiApiIT.post("/v1/completions", body);
            assertEquals(400, r.statusCode(), body + " → " + r.body());
            assertEquals("echo", error(r).get("param").asText(), r.body());
        }
        HttpResponse<String> stream = OpenAiApiIT.post("/v1/completions", "{\"model\":\"default\",\"max_tokens\":3,\"temperature\":0,\"echo\":true,\"stream\":true,\"prompt\":\"once upon\"}");
        StringBuilder text = new StringBuilder();
        for (String line : stream.body().split("\n")) {
            if (line.startsWith("data: {")) text.append(JSON.readTree(line.substring(6)).at("/choices/0/text").asText(""));
        }
        assertEquals("once upon" + answer, text.toString(), "a stream sends the prompt first");
    }

    @Test
    void nChoicesAreSampledEachOnItsOwnWithThePromptCountedOnce() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("default").addUserMessage("tell me something")
                .maxCompletionTokens(6).temperature(1.0).seed(5L).n(3).build();
        ChatCompletion three = client.chat().completions().create(params);
        assertEquals(3, three.choices().size());
        for (int i = 0; i < 3; i++) assertEquals(i, three.choices().get(i).index());
        ChatCompletion one = client.chat().completions().create(params.toBuilder().n(1).build());
        assertEquals(one.usage().orElseThrow().promptTokens(), three.usage().orElseThrow().promptTokens(), "the prompt counts once");
        assertEquals(one.choices().getFirst().message().content(), three.choices().getFirst().message().content(), "choice 0 has the request's seed");
        assertTrue(three.choices().stream().map(c -> c.message().content().orElse("")).distinct().count() > 1, "each choice has a seed of its own");
        assertEquals(three.choices().stream().map(c -> c.message().content()).toList(),
                client.chat().completions().create(params).choices().stream().map(c -> c.message().content()).toList(), "the same seed, the same choices");

        java.util.Map<Long, StringBuilder> streamed = new java.util.TreeMap<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(t -> streamed.computeIfAbsent(c.index(), k -> new StringBuilder()).append(t))));
        }
        assertEquals(three.choices().stream().map(c -> c.message().content().orElse("")).toList(), streamed.values().stream().map(StringBuilder::toString).toList(),
                "a stream carries each choice's pieces under its index");
    }

    @Test
    void oneModelById() throws Exception {
        HttpResponse<String> one = OpenAiApiIT.get("/v1/models/default");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("default", JSON.readTree(one.body()).get("id").asText());
        assertEquals("default", client.models().retrieve("default").id());
        assertEquals(404, OpenAiApiIT.get("/v1/models/no-such-model").statusCode());
    }

    @Test
    void aStreamRefusedBeforeItsFirstTokenKeepsItsStatusAndOneFailingLaterEndsWithAnErrorEvent() throws Exception {
        // a key whose quota cannot hold the call: 429 as a status, not an error inside a 200 stream
        HttpResponse<String> created = Credentials.createKey(BASE, "{\"name\":\"sq-" + Long.toString(System.nanoTime(), 36)
                + "\",\"functions\":[\"*\"],\"token_quota\":{\"tokens_per_day\":50}}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode tiny = JSON.readTree(created.body());
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tiny.get("key").asText()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"default\",\"stream\":true,\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("rate_limit_error", error(refused).get("type").asText());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());

        // a function whose timeout falls mid-stream: the tokens so far, then an error event both SDKs raise
        String name = "slow-" + Long.toString(System.currentTimeMillis(), 36);
        FunctionsIT.deployPromptFunction(name, "{{ text }}", "defaults: {max_tokens: 4096, temperature: 1}\nlimits: {timeout_ms: 250}");
        HttpResponse<String> raw = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"" + name + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go on\"}]}");
        assertEquals(200, raw.statusCode());
        assertTrue(raw.body().contains("event: error\ndata: {\"error\":"), raw.body().substring(Math.max(0, raw.body().length() - 400)));
        assertFalse(raw.body().contains("[DONE]"), "a failed stream does not end as if it succeeded");

        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(name).addUserMessage("go on").build();
        assertThrows(RuntimeException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> { });
            }
        }, "openai-java raises the error event");

        CompletableFuture<ChatResponse> lc4j = new CompletableFuture<>();
        OpenAiStreamingChatModel.builder().baseUrl(BASE + "/v1").apiKey(Credentials.apiKey(BASE)).modelName(name).build()
                .chat(List.of(UserMessage.from("go on")), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        lc4j.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        lc4j.completeExceptionally(error);
                    }
                });
        assertThrows(java.util.concurrent.ExecutionException.class, () -> lc4j.get(60, TimeUnit.SECONDS), "LangChain4j reports it to onError");
    }
}
