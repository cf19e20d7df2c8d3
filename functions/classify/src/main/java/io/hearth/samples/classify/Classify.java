package io.hearth.samples.classify;

import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies {"text": "..."} into one of the labels in its config. The answer is held to the JSON Schema
 * {"enum": [labels]}, so the model can write nothing but one of them (as a JSON string), whatever the model.
 */
public final class Classify implements Function {
    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        if (!(input.get("text") instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("send {\"text\": \"...\"}");
        }
        List<String> labels = Arrays.stream(context.config("labels").orElse("yes,no").split(",")).map(String::trim).toList();
        String schema = "{\"enum\": [" + String.join(", ", labels.stream().map(Classify::jsonString).toList()) + "]}";
        ModelClient.ModelResult result = context.model().chat(List.of(
                ModelClient.Message.system("Classify the text as one of: " + String.join(", ", labels) + "."),
                ModelClient.Message.user(text)), ModelClient.ModelOptions.defaults().withJsonSchema(schema));
        String answer = result.text().strip();
        String label = labels.stream().filter(l -> jsonString(l).equals(answer)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the answer was cut before it completed a label: " + answer));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("label", label);
        out.put("labels", labels);
        return out;
    }

    /** A label as a JSON string: the labels are plain words, but quotes and backslashes are escaped all the same. */
    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
