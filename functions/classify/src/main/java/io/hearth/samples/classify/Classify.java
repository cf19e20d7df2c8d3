package io.hearth.samples.classify;

import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Classifies {"text": "..."} into one of the labels in its config: the prompt lists the labels, a newline stops the
 * answer, and the first label the answer names wins. An answer naming none is reported as such, not guessed.
 */
public final class Classify implements Function {
    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        if (!(input.get("text") instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("send {\"text\": \"...\"}");
        }
        List<String> labels = Arrays.stream(context.config("labels").orElse("yes,no").split(",")).map(String::trim).toList();
        ModelClient.ModelResult result = context.model().chat(List.of(
                ModelClient.Message.system("Answer with exactly one word, one of: " + String.join(", ", labels) + "."),
                ModelClient.Message.user(text)), new ModelClient.ModelOptions(null, null, List.of("\n")));
        String answer = result.text().toLowerCase(Locale.ROOT);
        String label = null;
        int earliest = Integer.MAX_VALUE;
        for (String candidate : labels) {
            int at = answer.indexOf(candidate.toLowerCase(Locale.ROOT));
            if (at >= 0 && at < earliest) {
                earliest = at;
                label = candidate;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("label", label);
        out.put("matched", label != null);
        out.put("labels", labels);
        out.put("raw", result.text());
        return out;
    }
}
