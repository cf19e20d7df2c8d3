package io.hearth.host;

import io.hearth.function.ModelClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model call's parts as they travel in frames between a function's host and the server, written and read here
 * for both sides: messages (with tool calls and tool answers), options (sampling, a JSON Schema, tools), results.
 */
public final class ModelFrames {
    private ModelFrames() {
    }

    public static Map<String, Object> message(ModelClient.Message m) {
        Map<String, Object> out = new HashMap<>();
        out.put("role", m.role());
        if (m.content() != null) out.put("content", m.content());
        if (!m.toolCalls().isEmpty()) out.put("tool_calls", m.toolCalls().stream().map(ModelFrames::call).toList());
        if (m.toolCallId() != null) out.put("tool_call_id", m.toolCallId());
        return out;
    }

    @SuppressWarnings("unchecked")
    public static ModelClient.Message message(Map<String, Object> frame) {
        List<ModelClient.ToolCall> calls = new ArrayList<>();
        if (frame.get("tool_calls") instanceof List<?> list) for (Object c : list) calls.add(call((Map<String, Object>) c));
        return new ModelClient.Message((String) frame.get("role"), (String) frame.get("content"), calls, (String) frame.get("tool_call_id"));
    }

    public static Map<String, Object> options(ModelClient.ModelOptions options) {
        Map<String, Object> opts = new HashMap<>();
        if (options == null) return opts;
        if (options.maxTokens() != null) opts.put("max_tokens", options.maxTokens());
        if (options.temperature() != null) opts.put("temperature", options.temperature());
        if (options.stop() != null) opts.put("stop", options.stop());
        if (options.jsonSchema() != null) opts.put("json_schema", options.jsonSchema());
        if (options.tools() != null) {
            opts.put("tools", options.tools().stream().map(t -> {
                Map<String, Object> tool = new HashMap<>();
                tool.put("name", t.name());
                if (t.description() != null) tool.put("description", t.description());
                if (t.parameters() != null) tool.put("parameters", t.parameters());
                return tool;
            }).toList());
        }
        if (options.toolChoice() != null) opts.put("tool_choice", options.toolChoice());
        return opts;
    }

    @SuppressWarnings("unchecked")
    public static ModelClient.ModelOptions options(Map<String, Object> opts) {
        List<ModelClient.Tool> tools = null;
        if (opts.get("tools") instanceof List<?> list) {
            tools = new ArrayList<>();
            for (Object o : list) {
                Map<String, Object> t = (Map<String, Object>) o;
                tools.add(new ModelClient.Tool((String) t.get("name"), (String) t.get("description"), (String) t.get("parameters")));
            }
        }
        return new ModelClient.ModelOptions(opts.get("max_tokens") instanceof Number n ? n.intValue() : null,
                opts.get("temperature") instanceof Number t ? t.floatValue() : null, (List<String>) opts.get("stop"),
                (String) opts.get("json_schema"), tools, (String) opts.get("tool_choice"));
    }

    public static Map<String, Object> result(ModelClient.ModelResult r) {
        Map<String, Object> out = new HashMap<>();
        out.put("text", r.text());
        out.put("finish_reason", r.finishReason());
        out.put("prompt_tokens", r.promptTokens());
        out.put("completion_tokens", r.completionTokens());
        out.put("tool_calls", r.toolCalls().stream().map(ModelFrames::call).toList());
        return out;
    }

    @SuppressWarnings("unchecked")
    public static ModelClient.ModelResult result(Map<String, Object> frame) {
        List<ModelClient.ToolCall> calls = new ArrayList<>();
        if (frame.get("tool_calls") instanceof List<?> list) for (Object c : list) calls.add(call((Map<String, Object>) c));
        return new ModelClient.ModelResult((String) frame.get("text"), (String) frame.get("finish_reason"),
                ((Number) frame.get("prompt_tokens")).intValue(), ((Number) frame.get("completion_tokens")).intValue(), calls);
    }

    /** An embedding as a frame carries it: its components as a JSON array. */
    public static Map<String, Object> embedding(float[] vector) {
        List<Double> components = new ArrayList<>(vector.length);
        for (float x : vector) components.add((double) x);
        return Map.of("embedding", components);
    }

    public static float[] embedding(Map<String, Object> frame) {
        List<?> components = (List<?>) frame.get("embedding");
        float[] vector = new float[components.size()];
        for (int i = 0; i < vector.length; i++) vector[i] = ((Number) components.get(i)).floatValue();
        return vector;
    }

    private static Map<String, Object> call(ModelClient.ToolCall c) {
        Map<String, Object> out = new HashMap<>();
        out.put("id", c.id());
        out.put("name", c.name());
        out.put("arguments", c.arguments());
        return out;
    }

    private static ModelClient.ToolCall call(Map<String, Object> frame) {
        return new ModelClient.ToolCall((String) frame.get("id"), (String) frame.get("name"), (String) frame.get("arguments"));
    }
}
