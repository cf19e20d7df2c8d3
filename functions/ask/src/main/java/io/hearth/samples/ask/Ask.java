package io.hearth.samples.ask;

import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.util.List;
import java.util.Map;

/** Answers {"question": "..."} as {"question", "answer", "finish_reason", "tokens"}, in the persona from its config. */
public final class Ask implements Function {
    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        Object question = input.get("question");
        if (!(question instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("send {\"question\": \"...\"}");
        }
        String persona = context.config("persona").orElse("an assistant");
        ModelClient.ModelResult result = context.model().chat(List.of(
                ModelClient.Message.system("You are " + persona + ". Answer briefly."),
                ModelClient.Message.user(text)), ModelClient.ModelOptions.defaults());
        context.logger().fine(() -> "answered in " + result.completionTokens() + " tokens");
        return Map.of("question", text, "answer", result.text(), "finish_reason", result.finishReason(),
                "tokens", result.completionTokens());
    }
}
