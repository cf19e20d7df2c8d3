package io.hearth.it;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's OpenAI module against Hearth: an AI service that calls a {@code @Tool}, and one that answers a record. */
class LangChain4jIT {
    private static final String BASE = System.getProperty("hearth.it.base-url", "http://localhost:19080");
    private static String key;

    public enum Zone { UTC, EUROPE_PARIS, ASIA_TOKYO }

    public enum Mood { HAPPY, ANGRY, NEUTRAL }

    /** The structured answer: bounded types, which even a random-weights model completes (free strings it need not). */
    public record Review(Mood mood, int stars, boolean recommends) {
    }

    interface Clock {
        Result<String> ask(String question);
    }

    interface Reviewer {
        Review review(String text);
    }

    /** The tool the model is made to call; IMMEDIATE: the service returns after it instead of asking the model again. */
    public static final class ClockTools {
        final List<Zone> asked = new CopyOnWriteArrayList<>();

        @Tool(value = "The current time in a time zone", returnBehavior = ReturnBehavior.IMMEDIATE)
        public String currentTime(@P("the zone") Zone zone) {
            asked.add(zone);
            return "12:00 in " + zone;
        }
    }

    @BeforeAll
    static void connect() throws Exception {
        OpenAiApiIT.waitUntilReady();
        key = Credentials.apiKey(BASE);
    }

    private static OpenAiChatModel.OpenAiChatModelBuilder model() {
        return OpenAiChatModel.builder().baseUrl(BASE + "/v1").apiKey(key).modelName("default").temperature(1.0).seed(11).maxRetries(0);
    }

    @Test
    void anAiServiceCallsItsToolWhenTheToolIsRequired() {
        ClockTools tools = new ClockTools();
        Clock clock = AiServices.builder(Clock.class)
                .chatModel(model().maxCompletionTokens(300).parallelToolCalls(false)
                        .defaultRequestParameters(OpenAiChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()).build())
                .tools(tools).build();
        Result<String> result = clock.ask("What time is it in Tokyo?");
        assertEquals(1, tools.asked.size(), "the tool ran once with a zone it declares");
        assertEquals("currentTime", result.toolExecutions().getFirst().request().name());
    }

    @Test
    void anAiServiceAnswersARecordThroughTheJsonSchemaResponseFormat() {
        Reviewer reviewer = AiServices.create(Reviewer.class, model().maxCompletionTokens(600)
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).build());
        Review review = reviewer.review("Great tea pot, would buy again.");
        assertNotNull(review.mood(), "a whole record, parsed by LangChain4j: " + review);
    }
}
