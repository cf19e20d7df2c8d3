package io.hearth.samples.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hearth.function.Function;
import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extracts {"fields": [...]} from {"text": "..."} as a JSON object. A JSON Schema built from the fields (each a
 * string, a number or null, all required, no others) holds the model's answer, so it is always an object with exactly
 * those keys: no checking, no retries.
 */
public final class ExtractJson implements Function {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest text value: an extracted field is short, and a bound keeps any model's answer finite. */
    private static final int MAX_VALUE_LENGTH = 64;

    @Override
    public Object handle(Map<String, Object> input, FunctionContext context) {
        if (!(input.get("text") instanceof String text) || !(input.get("fields") instanceof List<?> fields) || fields.isEmpty()
                || !fields.stream().allMatch(f -> f instanceof String s && !s.isBlank())) {
            throw new IllegalArgumentException("send {\"text\": \"...\", \"fields\": [\"name\", ...]}");
        }
        ModelClient.ModelResult result = context.model().chat(List.of(
                ModelClient.Message.system("Reply with one JSON object with the keys " + fields + "; null where the text does not say."),
                ModelClient.Message.user(text)), ModelClient.ModelOptions.defaults().withJsonSchema(schema(fields).toString()));
        if ("length".equals(result.finishReason())) {
            throw new IllegalStateException("the answer was cut at max_tokens before the object was complete; raise defaults.max_tokens");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("json", parse(result.text()));
        out.put("tokens", result.completionTokens());
        return out;
    }

    /** {"type": "object", "properties": {field: string | number | null}, "required": [fields], "additionalProperties": false} */
    static ObjectNode schema(List<?> fields) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (Object field : fields) {
            ObjectNode value = properties.putObject(String.valueOf(field));
            value.putArray("type").add("string").add("number").add("null");
            value.put("maxLength", MAX_VALUE_LENGTH);
            required.add(String.valueOf(field));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Object parse(String answer) {
        try {
            return JSON.readValue(answer, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a constrained answer did not parse: " + e.getOriginalMessage(), e);
        }
    }
}
