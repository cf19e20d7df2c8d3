package io.hearth.engine.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.grammar.ToolCallSyntax;

import java.util.ArrayList;
import java.util.List;

/**
 * How a model family writes tool calls, found from its chat template: Hermes-style {@code <tool_call>{json}</tool_call>}
 * (Qwen2.5, Hermes, and Hearth's generic form for templates without tools), Llama 3.1/3.2 JSON calls
 * ({@code {"name": ..., "parameters": {...}}}), and Mistral's {@code [TOOL_CALLS][{...}]}. Each reads calls back out
 * of the answer.
 */
public enum ToolCallFormat {
    HERMES(new ToolCallSyntax("", "<tool_call>", "</tool_call>", "", "", "arguments", "<tool_call>")),
    LLAMA3_JSON(new ToolCallSyntax("", "", "", null, "", "parameters", "{\"name\"")),
    MISTRAL(new ToolCallSyntax("[TOOL_CALLS][", "", "", ",", "]", "arguments", "[TOOL_CALLS]"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolCallSyntax syntax;

    ToolCallFormat(ToolCallSyntax syntax) {
        this.syntax = syntax;
    }

    public ToolCallSyntax syntax() {
        return syntax;
    }

    /**
     * The format a chat template writes tool calls in, or null when the template knows no tools (the tools then go
     * to the model in {@link GenericToolPrompt}'s system message, and calls come back as {@link #HERMES}).
     */
    public static ToolCallFormat of(String template) {
        if (template == null || !template.contains("tools")) return null;
        if (template.contains("<tool_call>")) return HERMES;
        if (template.contains("[TOOL_CALLS]")) return MISTRAL;
        if (template.contains("<|python_tag|>") || template.contains("ipython")) return LLAMA3_JSON;
        return null;
    }

    /** An answer read back: the text outside the calls (null when there is none) and the calls, in order. */
    public record Answer(String content, List<ToolCall> calls) {
    }

    /**
     * Splits an answer into its text and calls of the functions {@code offered}; an answer whose calls are not
     * well-formed, or name a function not offered (ordinary JSON that looks like a call), is all text.
     */
    public Answer parse(String text, java.util.Set<String> offered) {
        Answer answer = parse(text);
        return answer.calls().stream().allMatch(c -> offered.contains(c.name())) ? answer : new Answer(text, List.of());
    }

    /** Splits an answer into its text and its calls; an answer without (well-formed) calls is all text. */
    public Answer parse(String text) {
        return switch (this) {
            case HERMES -> hermes(text);
            case LLAMA3_JSON -> llama3(text);
            case MISTRAL -> mistral(text);
        };
    }

    private Answer hermes(String text) {
        List<ToolCall> calls = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        int from = 0;
        while (true) {
            int open = text.indexOf(syntax.callOpen(), from);
            int close = open < 0 ? -1 : text.indexOf(syntax.callClose(), open);
            if (open < 0 || close < 0) break;
            ToolCall call = call(text.substring(open + syntax.callOpen().length(), close));
            if (call == null) break;
            calls.add(call);
            content.append(text, from, open);
            from = close + syntax.callClose().length();
        }
        if (calls.isEmpty()) return new Answer(text, List.of());
        content.append(text.substring(from));
        return new Answer(blankToNull(content.toString()), calls);
    }

    /**
     * The call starts at its trigger ({@code {"name"}), any text before it being the answer's content; or it is the
     * whole answer (a required call, whose grammar allows whitespace inside the brace).
     */
    private Answer llama3(String text) {
        int at = text.indexOf(syntax.trigger());
        if (at < 0 && text.stripLeading().startsWith("{")) at = text.indexOf('{');
        ToolCall call = at < 0 ? null : call(text.substring(at).strip());
        return call == null ? new Answer(text, List.of()) : new Answer(blankToNull(text.substring(0, at)), List.of(call));
    }

    /**
     * After the marker, a JSON array of calls. Mistral's marker is a control token, which the answer's text does not
     * show: an answer that is such an array from its start is read as calls too.
     */
    private Answer mistral(String text) {
        int marker = text.indexOf(syntax.trigger());
        int at = marker >= 0 ? marker + syntax.trigger().length() : text.stripLeading().startsWith("[") ? text.indexOf('[') : -1;
        if (at < 0) return new Answer(text, List.of());
        try {
            JsonNode list = JSON.readTree(text.substring(at));
            if (list == null || !list.isArray()) return new Answer(text, List.of());
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode item : list) {
                ToolCall call = call(item);
                if (call == null) return new Answer(text, List.of());
                calls.add(call);
            }
            return calls.isEmpty() ? new Answer(text, List.of()) : new Answer(blankToNull(text.substring(0, Math.max(marker, 0))), calls);
        } catch (java.io.IOException e) {
            return new Answer(text, List.of());
        }
    }

    private ToolCall call(String json) {
        try {
            return call(JSON.readTree(json));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A call object: {@code name} and its arguments (under this format's key, or {@code arguments}). */
    private ToolCall call(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("name").isTextual()) return null;
        JsonNode arguments = node.has(syntax.argumentsKey()) ? node.get(syntax.argumentsKey()) : node.get("arguments");
        if (arguments == null || !arguments.isObject()) return null;
        try {
            return new ToolCall(ToolCall.newId(), node.get("name").textValue(), arguments.toString());
        } catch (IllegalArgumentException notAName) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s.strip();
    }
}
