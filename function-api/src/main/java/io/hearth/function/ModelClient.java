package io.hearth.function;

import java.util.List;

/**
 * Calls the function's model. Options left null take the function's defaults from function.yaml.
 *
 * <p>Structured answers: {@link ModelOptions#withJsonSchema} holds the answer to a JSON Schema (the model cannot write
 * anything else), and {@link #chat(List, Class, ModelOptions)} does that for a Java record, returning the record.
 * Tools: {@link ModelOptions#withTools} offers functions the model may call; the calls it makes come back in
 * {@link ModelResult#toolCalls()}, and a follow-up turn sends {@link Message#assistant(List)} and
 * {@link Message#tool(String, String)} messages.
 */
public interface ModelClient {

    /** Chat messages rendered with the model's chat template. */
    ModelResult chat(List<Message> messages, ModelOptions options);

    /** Raw prompt text. */
    ModelResult complete(String prompt, ModelOptions options);

    /**
     * The embedding of {@code text} by the function's model: its hidden states pooled as the server's settings for the
     * model say ({@code hearth.models.<id>.pooling}, else the model file's own, else mean), scaled to unit length; as
     * {@code POST /v1/embeddings} gives it.
     */
    float[] embed(String text);

    /**
     * Chat messages answered as an instance of {@code type} (a record, or a class with public fields): its JSON Schema
     * is derived from the type, the model is held to it, and the answer is read into the type.
     *
     * @throws IllegalStateException if the answer was cut short by {@code max_tokens} before it was complete
     */
    <T> T chat(List<Message> messages, Class<T> type, ModelOptions options);

    /** A chat turn; an assistant turn may carry the tool calls it made, a tool turn answers one call. */
    record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        public Message(String role, String content) {
            this(role, content, List.of(), null);
        }

        public Message {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }

        public static Message assistant(String content) {
            return new Message("assistant", content);
        }

        /** The model's earlier turn that called tools. */
        public static Message assistant(List<ToolCall> calls) {
            return new Message("assistant", null, calls, null);
        }

        /** A tool's answer to the call {@code callId}. */
        public static Message tool(String callId, String content) {
            return new Message("tool", content, List.of(), callId);
        }
    }

    /** A function the model may call; {@code parameters} is its JSON Schema as text (null: no parameters). */
    record Tool(String name, String description, String parameters) {
    }

    /** A call the model made: {@code arguments} is JSON text valid for the tool's parameters. */
    record ToolCall(String id, String name, String arguments) {
    }

    /**
     * Sampling options; null fields use the function's defaults.
     *
     * @param jsonSchema a JSON Schema (as text) the answer must follow; null: free text
     * @param tools      functions the model may call; null: none
     * @param toolChoice {@code auto} (the model decides; the default), {@code required} (it must call one), {@code none}
     *                   (the tools are not offered), or a tool's name (a tool named like these words cannot be forced)
     */
    record ModelOptions(Integer maxTokens, Float temperature, List<String> stop, String jsonSchema, List<Tool> tools,
                        String toolChoice) {
        public ModelOptions(Integer maxTokens, Float temperature, List<String> stop) {
            this(maxTokens, temperature, stop, null, null, null);
        }

        public static ModelOptions defaults() {
            return new ModelOptions(null, null, null);
        }

        public ModelOptions withJsonSchema(String schema) {
            return new ModelOptions(maxTokens, temperature, stop, schema, tools, toolChoice);
        }

        public ModelOptions withTools(List<Tool> offered, String choice) {
            return new ModelOptions(maxTokens, temperature, stop, jsonSchema, offered, choice);
        }
    }

    /** What the model produced: its text (null when it only called tools) and its tool calls (empty when none). */
    record ModelResult(String text, String finishReason, int promptTokens, int completionTokens, List<ToolCall> toolCalls) {
        public ModelResult(String text, String finishReason, int promptTokens, int completionTokens) {
            this(text, finishReason, promptTokens, completionTokens, List.of());
        }

        public ModelResult {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }
    }
}
