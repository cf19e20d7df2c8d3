package io.hearth.runtime.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.tools.ToolChoice;
import io.hearth.engine.tools.ToolDefinition;
import io.hearth.engine.tools.ToolUse;
import io.hearth.function.ModelClient;

import java.util.List;

/** A function's structured model-call options (a JSON Schema as text, tools) as the engine takes them. */
final class ModelCallShapes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCallShapes() {
    }

    /** The schema text parsed; a schema the engine cannot honour is refused naming its keyword. */
    static JsonNode schema(String text, String what) {
        if (text == null) return null;
        try {
            JsonNode schema = JSON.readTree(text);
            if (schema == null || !schema.isObject()) throw new IllegalArgumentException(what + " must be a JSON Schema object");
            return schema;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static Grammar grammar(String schemaText) {
        JsonNode schema = schema(schemaText, "the JSON Schema");
        return schema == null ? null : Grammars.jsonSchema(schema);
    }

    /** The tools a call offers (null: none, or {@code none} chosen). */
    static ToolUse tools(ModelClient.ModelOptions options) {
        if (options == null || options.tools() == null || options.tools().isEmpty()) return null;
        List<ToolDefinition> tools = options.tools().stream()
                .map(t -> new ToolDefinition(t.name(), t.description(), schema(t.parameters(), "tool " + t.name() + "'s parameters"))).toList();
        ToolChoice choice = switch (options.toolChoice()) {
            case null -> ToolChoice.AUTO;
            case "auto" -> ToolChoice.AUTO;
            case "required" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            default -> new ToolChoice.Named(options.toolChoice());
        };
        ToolUse use = new ToolUse(tools, choice, true, schema(options.jsonSchema(), "the JSON Schema"));
        return use.active() ? use : null;
    }
}
