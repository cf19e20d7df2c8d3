package io.hearth.engine.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tools a request offers and how the model may use them. {@code parallel}: several calls in one answer;
 * {@code answerSchema}: the schema an answer that calls nothing must follow (a response format beside {@code auto};
 * null: free text).
 */
public record ToolUse(List<ToolDefinition> tools, ToolChoice choice, boolean parallel, JsonNode answerSchema) {
    public static final int MAX_TOOLS = 128;

    public ToolUse {
        tools = List.copyOf(tools);
        if (tools.isEmpty()) throw new IllegalArgumentException("tools must not be empty (leave it out instead)");
        if (tools.size() > MAX_TOOLS) throw new IllegalArgumentException("at most " + MAX_TOOLS + " tools are allowed, got " + tools.size());
        Set<String> names = new HashSet<>();
        for (ToolDefinition t : tools) {
            if (!names.add(t.name())) throw new IllegalArgumentException("tool " + t.name() + " is defined twice");
        }
        if (choice instanceof ToolChoice.Named n && !names.contains(n.function())) {
            throw new IllegalArgumentException("tool_choice names " + n.function() + ", which is not among the tools");
        }
    }

    /** Whether tools take part at all (not {@code none}). */
    public boolean active() {
        return !(choice instanceof ToolChoice.None);
    }

    /** The names of the tools the model may call now. */
    public java.util.Set<String> offeredNames() {
        return callable().stream().map(ToolDefinition::name).collect(java.util.stream.Collectors.toSet());
    }

    /** The tools the model may call under this choice: the named one, or all. */
    public List<ToolDefinition> callable() {
        return choice instanceof ToolChoice.Named n ? tools.stream().filter(t -> t.name().equals(n.function())).toList() : tools;
    }
}
