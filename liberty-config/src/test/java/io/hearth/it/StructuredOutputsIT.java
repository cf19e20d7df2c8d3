package io.hearth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structured outputs and tool calls through the official OpenAI Java SDK, plain and streaming, against the
 * random-weights default model: the answers are data because decoding is constrained, not because the model is good.
 */
class StructuredOutputsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenAIClient client;

    public enum Unit { CELSIUS, FAHRENHEIT }

    public enum Sky { CLEAR, CLOUDY, RAIN, SNOW }

    public enum Place { OSLO, PARIS, TOKYO }

    /**
     * What the SDK turns into a strict JSON Schema for {@code response_format}. Enums, numbers and booleans: a
     * random-weights model writes free strings until max_tokens (the grammar allows that), bounded types it finishes.
     */
    public record Forecast(Sky sky, boolean windy, int temperature, List<Sky> nextDays) {
    }

    /** A tool, as the SDK describes a class: its fields are the function's parameters. */
    public static class GetWeather {
        public Place city;
        public Unit unit;
    }

    @BeforeAll
    static void connect() throws Exception {
        client = OpenAiClientIT.sdk();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void theSdksStructuredOutputsParseIntoARecord() {
        for (long seed : new long[]{7, 8}) {
            StructuredChatCompletionCreateParams<Forecast> params = ChatCompletionCreateParams.builder().model("default")
                    .addUserMessage("The weather in Paris?").maxCompletionTokens(900).temperature(1.0).seed(seed)
                    .responseFormat(Forecast.class).build();
            StructuredChatCompletion<Forecast> completion = client.chat().completions().create(params);
            Forecast forecast = completion.choices().getFirst().message().content().orElseThrow();
            assertTrue(forecast.sky() != null && forecast.nextDays() != null, "a whole record with seed " + seed + ": " + forecast);
        }
    }

    @Test
    void requiredToolCallsAreWellFormedPlainAndStreaming() throws Exception {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("default").addUserMessage("Weather in Oslo?")
                .addTool(GetWeather.class).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false)
                .maxCompletionTokens(400).temperature(1.0).seed(3L).build();
        ChatCompletion completion = client.chat().completions().create(params);
        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertTrue(choice.message().content().isEmpty(), "a call only: content is null");
        ChatCompletionMessageToolCall call = choice.message().toolCalls().orElseThrow().getFirst();
        assertEquals("GetWeather", call.asFunction().function().name());
        GetWeather args = call.asFunction().function().arguments(GetWeather.class);
        assertTrue(args.city != null && args.unit != null, "arguments valid for the tool's schema");

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion streamed = accumulator.chatCompletion();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, streamed.choices().getFirst().finishReason());
        ChatCompletionMessageToolCall streamedCall = streamed.choices().getFirst().message().toolCalls().orElseThrow().getFirst();
        assertEquals(call.asFunction().function().arguments(), streamedCall.asFunction().function().arguments(),
                "the same seed streams the same call");
        assertTrue(streamedCall.asFunction().id().startsWith("call_"));
    }

    @Test
    void aFollowUpTurnCarriesTheCallAndTheToolsAnswer() throws Exception {
        // the call and the tool's answer reach the prompt (ChatML has no tools: the generic form writes them), also
        // with tool_choice none: longer arguments and a longer answer make a longer prompt
        long shorter = followUpPromptTokens("Europe/Oslo", "12:00"), longer = followUpPromptTokens("Europe/Oslo, in the winter time", "12:00 on a grey day");
        assertTrue(longer > shorter, "prompt tokens " + shorter + " then " + longer);
    }

    private static long followUpPromptTokens(String zone, String answer) throws Exception {
        String body = """
                {"model":"default","max_tokens":8,"temperature":0,
                 "tools":[{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}],
                 "messages":[{"role":"user","content":"Time in Oslo?"},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_time","arguments":"{\\"zone\\":\\"%s\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"%s"}],
                 "tool_choice":"none"}""".formatted(zone, answer);
        HttpResponse<String> r = OpenAiApiIT.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode reply = JSON.readTree(r.body());
        JsonNode message = reply.get("choices").get(0).get("message");
        assertTrue(message.get("content").isTextual() && message.get("tool_calls").isNull(), "tool_choice none answers in text: " + message);
        return reply.get("usage").get("prompt_tokens").asLong();
    }

    @Test
    void everyJsonSchemaAnswerValidatesWithAnIndependentValidator() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"enum\":[\"a\",\"b\"]},\"minItems\":1,\"maxItems\":3},\"score\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":5}},"
                + "\"required\":[\"id\",\"tags\",\"score\"],\"additionalProperties\":false}";
        for (int seed = 0; seed < 5; seed++) {
            HttpResponse<String> r = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"temperature\":1,\"seed\":" + seed
                    + ",\"max_tokens\":300,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                    + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"strict\":true,\"schema\":" + schema + "}}}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(JSON.readTree(r.body()).get("choices").get(0).get("message").get("content").asText());
            var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(schema)).validate(answer);
            assertTrue(errors.isEmpty(), answer + " " + errors);
        }
        HttpResponse<String> object = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"temperature\":1,\"max_tokens\":200,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"response_format\":{\"type\":\"json_object\"}}");
        JsonNode choice = JSON.readTree(object.body()).get("choices").get(0);
        String content = choice.get("message").get("content").asText();
        assertTrue(content.startsWith("{"), "json_object: an object from the first character: " + content);
        if (choice.get("finish_reason").asText().equals("stop")) assertTrue(JSON.readTree(content).isObject());
    }

    @Test
    void schemasOutsideTheSubsetAreA400NamingTheKeyword() throws Exception {
        HttpResponse<String> r = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"t\",\"schema\":{\"type\":\"object\",\"properties\":"
                + "{\"n\":{\"type\":\"integer\",\"multipleOf\":3}}}}}}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("multipleOf") && r.body().contains("#/properties/n"), r.body());
        HttpResponse<String> badChoice = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"default\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}");
        assertEquals(400, badChoice.statusCode(), badChoice.body());
        assertTrue(badChoice.body().contains("g, which is not among the tools"), badChoice.body());
        assertFalse(badChoice.body().contains("at io.hearth"));
    }

    @Test
    void aBadOutputSchemaStopsTheDeployAndAGoodOneTypesFnAndV1() throws Exception {
        String name = "typed-" + Long.toString(System.currentTimeMillis(), 36);
        byte[] bad = FunctionsIT.zipManifest("name: " + name + "\nversion: 1\nmodel: default\nkind: prompt\nprompt:\n  template: \"{{ text }}\"\n"
                + "output:\n  schema: {type: object, properties: {a: {type: string, not: {const: x}}}}\n");
        HttpResponse<String> refused = FunctionsIT.send("PUT", "/admin/functions/" + name, "application/zip", bad, null);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("not") && refused.body().contains("output.schema"), refused.body());
        assertEquals(404, FunctionsIT.invoke(name, "{\"text\":\"x\"}").statusCode(), "nothing was deployed");

        FunctionsIT.deployPromptFunction(name, "{{ text }}", "defaults: {max_tokens: 256, temperature: 1}\n"
                + "output:\n  schema: {type: object, properties: {ok: {type: boolean}, n: {type: integer, minimum: 0, maximum: 9}}, required: [ok, n]}");
        HttpResponse<String> fn = FunctionsIT.invoke(name, "{\"text\":\"hi\"}");
        assertEquals(200, fn.statusCode(), fn.body());
        JsonNode output = JSON.readTree(fn.body()).get("output");
        assertTrue(output.get("ok").isBoolean() && output.get("n").isInt(), "/fn answers the parsed object: " + output);
        HttpResponse<String> v1 = OpenAiApiIT.post("/v1/chat/completions", "{\"model\":\"" + name + "\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, v1.statusCode(), v1.body());
        JsonNode content = JSON.readTree(JSON.readTree(v1.body()).get("choices").get(0).get("message").get("content").asText());
        assertTrue(content.get("ok").isBoolean(), "/v1 calls of the function get its schema as response_format: " + content);
    }
}
