package io.hearth.engine.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.grammar.UnsupportedSchemaException;

import java.util.regex.Pattern;

/**
 * A function the model may call: its name, what it does, and its parameters as a JSON Schema (an object schema;
 * null: no parameters). The schema is compiled when the tool is defined (the compilation is cached), so a schema
 * outside the supported subset is refused with the request, naming the tool and the keyword.
 */
public record ToolDefinition(String name, String description, JsonNode parameters) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ToolDefinition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a tool's function.name must be 1 to 64 letters, digits, '_' or '-', got " + name);
        }
        if (parameters != null && !parameters.isObject()) throw new IllegalArgumentException("tool " + name + ": parameters must be a JSON Schema object");
        if (parameters != null) {
            try {
                Grammars.jsonSchema(parameters);
            } catch (UnsupportedSchemaException e) {
                throw new UnsupportedSchemaException(e.keyword(), "tool " + name + ": parameters: " + e.getMessage());
            }
        }
    }
}
