package io.hearth.samples.clock;

import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers {"question": "What time is it in Tokyo?"} with a tool: the model must call get_time with one of the zones
 * it knows (the tool's schema lists them, so the call is always one this function can run), the function looks the
 * time up, and the model answers with the result in front of it. The output shows the times looked up and the answer.
 */
public final class WorldClock implements Function {
    static final List<String> ZONES = List.of("UTC", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney");
    static final ModelClient.Tool GET_TIME = new ModelClient.Tool("get_time", "The current date and time in a time zone",
            "{\"type\": \"object\", \"properties\": {\"zone\": {\"enum\": [" + String.join(", ", ZONES.stream().map(z -> "\"" + z + "\"").toList())
                    + "]}}, \"required\": [\"zone\"], \"additionalProperties\": false}");

    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        if (!(input.get("question") instanceof String question) || question.isBlank()) {
            throw new IllegalArgumentException("send {\"question\": \"What time is it in Tokyo?\"}");
        }
        List<ModelClient.Message> messages = new ArrayList<>(List.of(
                ModelClient.Message.system("You tell the time. Look it up with get_time, then answer in one sentence."),
                ModelClient.Message.user(question)));
        ModelClient.ModelResult called = context.model().chat(messages,
                ModelClient.ModelOptions.defaults().withTools(List.of(GET_TIME), "required"));
        if (called.toolCalls().isEmpty()) {
            throw new IllegalStateException("the call to get_time was cut at max_tokens (" + called.finishReason() + "); raise defaults.max_tokens");
        }
        // every call gets its answer (the model may call once per zone the question names)
        messages.add(ModelClient.Message.assistant(called.toolCalls()));
        Map<String, String> times = new LinkedHashMap<>();
        for (ModelClient.ToolCall call : called.toolCalls()) {
            String zone = zoneOf(call.arguments());
            String time = ZonedDateTime.now(ZoneId.of(zone)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            times.put(zone, time);
            messages.add(ModelClient.Message.tool(call.id(), time));
        }
        ModelClient.ModelResult answer = context.model().chat(messages, ModelClient.ModelOptions.defaults());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("times", times);
        out.put("answer", answer.text());
        return out;
    }

    /** The zone the call names: the schema allows only the listed zones, so one of them is always found. */
    private static String zoneOf(String arguments) {
        return ZONES.stream().filter(z -> arguments.contains("\"" + z + "\"")).findFirst()
                .orElseThrow(() -> new IllegalStateException("get_time was called without a known zone: " + arguments));
    }
}
