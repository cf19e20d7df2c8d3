package io.hearth.engine.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.regex.Pattern;

/**
 * A call the model made: an id for the tool's answer to refer to, the function's name, its arguments as JSON text.
 * The arguments must be one JSON object and are kept re-serialized (nothing after it, no text a template would copy
 * raw); an id is letters, digits and {@code _ . : -}, so templates can write it as it is.
 */
public record ToolCall(String id, String name, String arguments) {
    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ToolCall {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("a tool call's function.name must be 1 to 64 letters, digits, '_' or '-'");
        if (id != null && !ID.matcher(id).matches()) throw new IllegalArgumentException("a tool call id must be 1 to 128 letters, digits, '_', '.', ':' or '-'");
        arguments = normalized(arguments == null ? "{}" : arguments);
    }

    private static String normalized(String arguments) {
        try {
            JsonNode node = JSON.readTree(arguments);
            if (node == null || !node.isObject()) throw new IllegalArgumentException("a tool call's arguments must be one JSON object");
            return node.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a tool call's arguments are not JSON: " + e.getOriginalMessage());
        }
    }

    /** A new call id, in the form OpenAI's are. */
    public static String newId() {
        return "call_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
