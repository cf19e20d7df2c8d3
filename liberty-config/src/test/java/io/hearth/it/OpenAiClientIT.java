package io.hearth.it;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK, pointed at Hearth, works unchanged: models, chat, streaming, errors. */
class OpenAiClientIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static OpenAIClient client;

    @BeforeAll
    static void connect() throws Exception {
        client = sdk();
    }

    /** The SDK pointed at the test server (once it is ready), with an API key and no retries. */
    static OpenAIClient sdk() throws Exception {
        OpenAiApiIT.waitUntilReady();
        return OpenAIOkHttpClient.builder().baseUrl(BASE + "/v1").apiKey(Credentials.apiKey(BASE)).maxRetries(0).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("hello world")
                .maxCompletionTokens(8).temperature(0.0).build();
    }

    @Test
    void listsModelsAndCompletesChats() {
        List<Model> models = client.models().list().data();
        assertEquals("default", models.getFirst().id());
        ChatCompletion completion = client.chat().completions().create(chat("default"));
        String content = completion.choices().getFirst().message().content().orElseThrow();
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, completion.choices().getFirst().finishReason());
        assertEquals(8, completion.usage().orElseThrow().completionTokens());

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat("default"))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertEquals(content, streamed.toString(), "streaming and JSON give the same greedy text");
    }

    @Test
    void aPromptFunctionCanBeTheModel() throws Exception {
        FunctionsIT.waitForSampleFunctions();
        assertTrue(client.models().list().data().stream().anyMatch(m -> m.id().equals("summarize")), "functions are listed as models");
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model("summarize")
                .addUserMessage("hello world").maxCompletionTokens(8).temperature(0.0).build());
        assertEquals("summarize", completion.model());
        assertThrows(com.openai.errors.BadRequestException.class, () -> client.chat().completions().create(chat("summarize")),
                "a function's system prompt is its only one: a caller's system message is refused, not added");
        assertTrue(completion.usage().orElseThrow().promptTokens() > chatPromptTokens("default"),
                "the function's system prompt is added to the conversation");
        assertThrows(com.openai.errors.BadRequestException.class, () -> client.chat().completions().create(chat("ask")),
                "java functions are called at /fn");
    }

    private static long chatPromptTokens(String model) {
        return client.chat().completions().create(chat(model)).usage().orElseThrow().promptTokens();
    }

    @Test
    void unknownModelIsA404TheClientUnderstands() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.chat().completions().create(chat("gpt-9")));
        assertTrue(e.getMessage().contains("served here"), e.getMessage());
    }
}
