package io.hearth.samples.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extracts {"fields": [...]} from {"text": "..."} as a JSON object. The model's answer must parse as an object with
 * those fields; if it does not, the model is told what was wrong and asked once more. The answer says whether the
 * result is valid and how many attempts it took, so callers never receive unchecked JSON as if it were checked.
 */
public final class ExtractJson implements Function {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        if (!(input.get("text") instanceof String text) || !(input.get("fields") instanceof List<?> fields) || fields.isEmpty()) {
            throw new IllegalArgumentException("send {\"text\": \"...\", \"fields\": [\"name\", ...]}");
        }
        List<ModelClient.Message> messages = new ArrayList<>(List.of(
                ModelClient.Message.system("Reply with one JSON object with the keys " + fields + " and nothing else."),
                ModelClient.Message.user(text)));
        String problem = null, raw = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            raw = context.model().chat(messages, ModelClient.ModelOptions.defaults()).text();
            problem = check(raw, fields);
            if (problem == null) return result(true, attempt, raw, parse(raw), null);
            messages.add(new ModelClient.Message("assistant", raw));
            messages.add(ModelClient.Message.user("That was not valid: " + problem + ". Reply with the JSON object only."));
        }
        return result(false, 2, raw, null, problem);
    }

    /** Null when raw is a JSON object holding every field, else what is wrong with it. */
    private static String check(String raw, List<?> fields) {
        JsonNode node;
        try {
            node = JSON.readTree(raw.strip());
        } catch (JsonProcessingException e) {
            return "not JSON (" + e.getOriginalMessage() + ")";
        }
        if (node == null || !node.isObject()) return "not a JSON object";
        for (Object field : fields) if (!node.has(String.valueOf(field))) return "missing the key " + field;
        return null;
    }

    private static Object parse(String raw) {
        try {
            return JSON.convertValue(JSON.readTree(raw.strip()), Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> result(boolean valid, int attempts, String raw, Object json, String problem) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", valid);
        out.put("attempts", attempts);
        out.put("json", json);
        out.put("problem", problem);
        out.put("raw", raw);
        return out;
    }
}
