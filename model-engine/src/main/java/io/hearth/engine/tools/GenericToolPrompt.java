package io.hearth.engine.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hearth.engine.chat.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Tools for a model whose chat template does not take them: a system message lists the functions (as OpenAI
 * defines them) and asks for calls in the Hermes form, {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>};
 * earlier calls and their results are written into the conversation the same way. The grammar then holds the model
 * to that form, so {@code required} gives a well-formed call even from a model never trained for tools.
 */
public final class GenericToolPrompt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenericToolPrompt() {
    }

    /** Whether a conversation holds earlier tool calls or tool answers, which a template without tools cannot write. */
    public static boolean hasToolTurns(List<ChatMessage> messages) {
        return messages.stream().anyMatch(m -> !m.toolCalls().isEmpty() || m.role().equals("tool"));
    }

    /**
     * The conversation with the tools described in its system message ({@code use} null: none offered now) and past
     * calls and tool answers written as text, so a follow-up turn shows the model what it called and got.
     */
    public static List<ChatMessage> apply(List<ChatMessage> messages, ToolUse use) {
        StringBuilder tools = new StringBuilder();
        if (use != null) {
            tools.append("You can call functions. Their definitions, as JSON Schema:\n<tools>\n");
            for (ToolDefinition t : use.callable()) tools.append(definition(t)).append('\n');
            tools.append("</tools>\nTo call a function, answer with <tool_call>{\"name\": <function name>, \"arguments\": <arguments as a JSON object>}</tool_call>")
                    .append(use.parallel() ? " (one block per call)." : ".");
        }
        List<ChatMessage> out = new ArrayList<>();
        boolean placed = use == null;
        for (ChatMessage m : messages) {
            if (!placed && m.role().equals("system")) {
                out.add(new ChatMessage("system", m.content() + "\n\n" + tools));
                placed = true;
            } else if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
                StringBuilder text = new StringBuilder(m.content() == null ? "" : m.content());
                for (ToolCall c : m.toolCalls()) {
                    text.append("<tool_call>{\"name\": ").append(quoted(c.name())).append(", \"arguments\": ").append(c.arguments()).append("}</tool_call>");
                }
                out.add(new ChatMessage(m.role(), text.toString()));
            } else if (m.role().equals("tool")) {
                out.add(new ChatMessage("tool", "<tool_response>\n" + m.content() + "\n</tool_response>"));
            } else {
                out.add(m);
            }
        }
        if (!placed) out.addFirst(new ChatMessage("system", tools.toString()));
        return out;
    }

    static String definition(ToolDefinition t) {
        ObjectNode fn = JSON.createObjectNode().put("name", t.name());
        if (t.description() != null) fn.put("description", t.description());
        if (t.parameters() != null) fn.set("parameters", t.parameters());
        ObjectNode tool = JSON.createObjectNode().put("type", "function");
        tool.set("function", fn);
        return tool.toString();
    }

    private static String quoted(String s) {
        return JSON.getNodeFactory().textNode(s).toString();
    }
}
