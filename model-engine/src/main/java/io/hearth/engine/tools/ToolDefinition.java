package io.hearth.engine.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/**
 * A function the model may call: its name, what it does, and its parameters as a JSON Schema (an object schema;
 * null: no parameters).
 */
public record ToolDefinition(String name, String description, JsonNode parameters) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ToolDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a tool's function.name must be 1 to 64 letters, digits, '_' or '-', got " + name);
        }
        if (parameters != null && !parameters.isObject()) throw new IllegalArgumentException("tool " + name + ": parameters must be a JSON Schema object");
    }
}
