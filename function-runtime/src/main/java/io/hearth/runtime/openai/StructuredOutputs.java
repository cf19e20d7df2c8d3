package io.hearth.runtime.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.tools.ToolCall;
import io.hearth.engine.tools.ToolChoice;
import io.hearth.engine.tools.ToolDefinition;
import io.hearth.engine.tools.ToolUse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI request fields that shape the answer into data: {@code response_format} (a grammar for the answer),
 * {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} (a {@link ToolUse}), and the messages of a
 * conversation with tool calls in it. Every value is checked here, so a request the engine cannot honour is a 400
 * that names its field, never an answer that silently ignored it.
 */
final class StructuredOutputs {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Choices one chat request may ask for ({@code n}). */
    static final int MAX_CHOICES = 8;

    private StructuredOutputs() {
    }

    /** The schema {@code response_format} asks the answer to follow, {@link #ANY_OBJECT} for json_object, null for text. */
    static JsonNode responseSchema(ChatCompletionRequest.ResponseFormat format) {
        if (format == null || format.type == null || format.type.equals("text")) {
            if (format != null && format.json_schema != null) throw new IllegalArgumentException("response_format.json_schema needs type json_schema");
            return null;
        }
        return switch (format.type) {
            case "json_object" -> ANY_OBJECT;
            case "json_schema" -> {
                if (format.json_schema == null || format.json_schema.schema == null) {
                    throw new IllegalArgumentException("response_format.json_schema.schema is required for type json_schema");
                }
                if (!format.json_schema.schema.isObject()) throw new IllegalArgumentException("response_format.json_schema.schema must be a JSON Schema object");
                yield format.json_schema.schema;
            }
            default -> throw new IllegalArgumentException("response_format.type must be text, json_object or json_schema, got " + format.type);
        };
    }

    /** {@code json_object}'s schema: any object. */
    static final JsonNode ANY_OBJECT = JSON.createObjectNode().put("type", "object").put("additionalProperties", true);

    /** The grammar for an answer that must follow {@code schema} (null: free text); refusals name the schema's keyword. */
    static Grammar grammar(JsonNode schema) {
        if (schema == null) return null;
        if (schema == ANY_OBJECT) return Grammars.jsonObject();
        try {
            return Grammars.jsonSchema(schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("response_format.json_schema.schema: " + e.getMessage(), e);
        }
    }

    /** The tools of a request and how they may be used; null when it offers none or says {@code tool_choice: none}. */
    static ToolUse tools(ChatCompletionRequest r, JsonNode answerSchema) {
        if (r.tools == null || r.tools.isEmpty()) {
            if (r.tool_choice != null && !"none".equals(r.tool_choice) && !"auto".equals(r.tool_choice)) {
                throw new IllegalArgumentException("tool_choice needs tools");
            }
            return null;
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < r.tools.size(); i++) {
            ChatCompletionRequest.Tool t = r.tools.get(i);
            if (t == null || !"function".equals(t.type) || t.function == null) {
                throw new IllegalArgumentException("tools[" + i + "] must be {\"type\": \"function\", \"function\": {...}}");
            }
            tools.add(new ToolDefinition(t.function.name, t.function.description, t.function.parameters));
        }
        ToolChoice choice = choice(r.tool_choice);
        if (choice instanceof ToolChoice.None) return null;
        return new ToolUse(tools, choice, r.parallel_tool_calls == null || r.parallel_tool_calls, answerSchema);
    }

    private static ToolChoice choice(Object value) {
        return switch (value) {
            case null -> ToolChoice.AUTO;
            case String s when s.equals("none") -> ToolChoice.NONE;
            case String s when s.equals("auto") -> ToolChoice.AUTO;
            case String s when s.equals("required") -> ToolChoice.REQUIRED;
            case Map<?, ?> m when "function".equals(m.get("type")) && m.get("function") instanceof Map<?, ?> f && f.get("name") instanceof String name ->
                    new ToolChoice.Named(name);
            default -> throw new IllegalArgumentException("tool_choice must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
        };
    }

    /** A message of the conversation, tool calls and tool answers included. */
    static ChatMessage message(ChatCompletionRequest.Message m, int index) {
        if (m == null) throw new IllegalArgumentException("messages must not contain null");
        String role = role(m.role);
        List<ToolCall> calls = new ArrayList<>();
        if (m.tool_calls != null) {
            if (!role.equals("assistant")) throw new IllegalArgumentException("messages[" + index + "]: only assistant messages carry tool_calls");
            for (ChatCompletionRequest.ToolCall c : m.tool_calls) {
                if (c == null || c.function == null || c.function.name == null) {
                    throw new IllegalArgumentException("messages[" + index + "].tool_calls[] need function.name and function.arguments");
                }
                try {
                    calls.add(new ToolCall(c.id, c.function.name, c.function.arguments));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("messages[" + index + "].tool_calls[]: " + e.getMessage(), e);
                }
            }
        }
        if (role.equals("tool") && m.tool_call_id == null) throw new IllegalArgumentException("messages[" + index + "]: a tool message needs tool_call_id");
        String content = text(m.content, index);
        if (content == null && calls.isEmpty()) throw new IllegalArgumentException("messages[" + index + "].content is required");
        try {
            return new ChatMessage(role, content, calls, role.equals("tool") ? m.tool_call_id : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("messages[" + index + "]: " + e.getMessage(), e);
        }
    }

    /**
     * A message's text: a string, or an array of content parts whose {@code text} parts are joined with newlines. A
     * part of another kind (an image, audio, a file) is refused: the models served here read text only.
     */
    private static String text(Object content, int index) {
        if (content == null || content instanceof String) return (String) content;
        if (!(content instanceof List<?> parts)) throw new IllegalArgumentException("messages[" + index + "].content must be a string or an array of content parts");
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < parts.size(); p++) {
            if (!(parts.get(p) instanceof Map<?, ?> part) || !(part.get("type") instanceof String type)) {
                throw new IllegalArgumentException("messages[" + index + "].content[" + p + "] must be a part such as {\"type\": \"text\", \"text\": \"...\"}");
            }
            if (!type.equals("text")) {
                throw new IllegalArgumentException("messages[" + index + "].content[" + p + "] is a " + type + " part: the models served here take text only");
            }
            if (!(part.get("text") instanceof String t)) throw new IllegalArgumentException("messages[" + index + "].content[" + p + "].text must be a string");
            if (!text.isEmpty()) text.append('\n');
            text.append(t);
        }
        return text.toString();
    }

    /** Fields that ask for what Hearth does not do (audio, predicted outputs, web search): refused, never ignored. */
    static void refuseUnsupported(ChatCompletionRequest r) {
        if (r.user != null && r.user.length() > 256) throw new IllegalArgumentException("user must be at most 256 characters");
        if (r.audio != null) throw new IllegalArgumentException("audio: the models served here answer in text only");
        if (r.modalities != null && !List.of("text").equals(r.modalities)) {
            throw new IllegalArgumentException("modalities: the models served here answer in text only (send [\"text\"] or leave it out)");
        }
        if (r.prediction != null) throw new IllegalArgumentException("prediction: predicted outputs are not supported");
        if (r.web_search_options != null) throw new IllegalArgumentException("web_search_options: web search is not supported");
        if (r.n != null && (r.n < 1 || r.n > MAX_CHOICES)) throw new IllegalArgumentException("n must be from 1 to " + MAX_CHOICES + ", got " + r.n);
        if (r.best_of != null && r.best_of != 1) throw new IllegalArgumentException("best_of: one candidate per request is supported");
        if (r.suffix != null && !r.suffix.isEmpty()) throw new IllegalArgumentException("suffix: fill-in-the-middle is not supported");
    }

    /** A message's role: system, user, assistant or tool ({@code developer}, OpenAI's newer name for system, is read as system). */
    private static String role(String role) {
        return switch (role) {
            case "system", "user", "assistant", "tool" -> role;
            case "developer" -> "system";
            case null -> throw new IllegalArgumentException("messages[].role is required: system, developer, user, assistant or tool");
            default -> throw new IllegalArgumentException("messages[].role '" + role + "' is not one of system, developer, user, assistant, tool");
        };
    }
}
