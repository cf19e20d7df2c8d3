package io.hearth.runtime.openai;

import java.util.List;

/** Response bodies of the OpenAI-compatible API, field names as clients expect them. */
public final class Responses {
    private Responses() {
    }

    public record Message(String role, String content) {
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

    public record Delta(String role, String content) {
    }

    public record ChunkChoice(int index, Delta delta, String finish_reason) {
    }

    public record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices) {
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
