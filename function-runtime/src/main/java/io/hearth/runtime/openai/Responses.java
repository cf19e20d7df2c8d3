package io.hearth.runtime.openai;

import java.util.List;

/** Response bodies of the OpenAI-compatible API, field names as clients expect them. */
public final class Responses {
    private Responses() {
    }

    /** An answer: its text (null when it only called tools) and its tool calls (null when none). */
    @jakarta.json.bind.annotation.JsonbNillable
    public record Message(String role, String content, List<ToolCall> tool_calls) {
    }

    /** A call the model made, {@code arguments} as JSON text. */
    public record ToolCall(String id, String type, CalledFunction function) {
    }

    public record CalledFunction(String name, String arguments) {
    }

    /** A piece of a streamed tool call: OpenAI's clients assemble calls by {@code index}. */
    public record ToolCallDelta(int index, String id, String type, CalledFunction function) {
    }

    /** {@code prompt_tokens_details.cached_tokens}: prompt tokens whose KV came from the prefix cache (local or shared). */
    public record Usage(int prompt_tokens, int completion_tokens, int total_tokens, PromptTokensDetails prompt_tokens_details) {
    }

    public record ChatChoice(int index, Message message, String finish_reason) {
    }

    public record PromptTokensDetails(int cached_tokens) {
    }

    public record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices, Usage usage) {
    }

    public record Delta(String role, String content, List<ToolCallDelta> tool_calls) {
        public Delta(String role, String content) {
            this(role, content, null);
        }
    }

    public record ChunkChoice(int index, Delta delta, String finish_reason) {
    }

    /** A stream's chunk; the last one of a stream that asked for {@code include_usage} has empty choices and the usage. */
    public record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {
        public ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices) {
            this(id, object, created, model, choices, null);
        }
    }

    public record TextChoice(int index, String text, String finish_reason) {
    }

    public record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices, Usage usage) {
    }

    public record Model(String id, String object, long created, String owned_by, boolean random_weights, String architecture,
                 int context_length) {
    }

    public record ModelList(String object, List<Model> data) {
    }
}
