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

    public record ChatChoice(int index, Message message, String finish_reason, ChatLogprobs logprobs) {
        public ChatChoice(int index, Message message, String finish_reason) {
            this(index, message, finish_reason, null);
        }
    }

    /** Chat's {@code logprobs}: each generated token with its log-probability, bytes and the alternatives asked for. */
    public record ChatLogprobs(List<LogprobEntry> content) {
        static ChatLogprobs of(List<io.hearth.engine.sample.TokenLogprob> logprobs) {
            return logprobs.isEmpty() ? null : new ChatLogprobs(logprobs.stream().map(l -> new LogprobEntry(text(l.bytes()), l.logprob(), ints(l.bytes()),
                    l.top().stream().map(a -> new TopLogprob(text(a.bytes()), a.logprob(), ints(a.bytes()))).toList())).toList());
        }
    }

    public record LogprobEntry(String token, float logprob, List<Integer> bytes, List<TopLogprob> top_logprobs) {
    }

    public record TopLogprob(String token, float logprob, List<Integer> bytes) {
    }

    /**
     * Completions' {@code logprobs}: the tokens, their log-probabilities (null for an echoed prompt's first token,
     * which nothing predicts), the alternatives, and where each token starts in the text.
     */
    public record TextLogprobs(List<String> tokens, List<Float> token_logprobs, List<java.util.Map<String, Float>> top_logprobs, List<Integer> text_offset) {
        /** The entries of {@code logprobs}, the first starting at {@code offset} in the choice's text. */
        static TextLogprobs of(List<io.hearth.engine.sample.TokenLogprob> logprobs, int offset) {
            if (logprobs.isEmpty()) return null;
            List<String> tokens = new java.util.ArrayList<>();
            List<Integer> offsets = new java.util.ArrayList<>();
            for (var l : logprobs) {
                String t = text(l.bytes());
                tokens.add(t);
                offsets.add(offset);
                offset += t.length();
            }
            return new TextLogprobs(tokens, logprobs.stream().map(l -> Float.isNaN(l.logprob()) ? null : l.logprob()).collect(java.util.stream.Collectors.toList()),
                    logprobs.stream().map(l -> {
                        java.util.Map<String, Float> top = new java.util.LinkedHashMap<>();
                        for (var a : l.top()) top.putIfAbsent(text(a.bytes()), a.logprob());
                        return top;
                    }).toList(), offsets);
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<Integer> ints(byte[] bytes) {
        List<Integer> out = new java.util.ArrayList<>(bytes.length);
        for (byte b : bytes) out.add(b & 0xFF);
        return out;
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

    public record ChunkChoice(int index, Delta delta, String finish_reason, ChatLogprobs logprobs) {
        public ChunkChoice(int index, Delta delta, String finish_reason) {
            this(index, delta, finish_reason, null);
        }
    }

    /** A stream's chunk; the last one of a stream that asked for {@code include_usage} has empty choices and the usage. */
    public record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {
        public ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices) {
            this(id, object, created, model, choices, null);
        }

        /** A chunk of one choice's stream. */
        static ChatChunk of(String id, long created, String model, ChunkChoice choice) {
            return new ChatChunk(id, "chat.completion.chunk", created, model, List.of(choice));
        }
    }

    public record TextChoice(int index, String text, String finish_reason, TextLogprobs logprobs) {
        public TextChoice(int index, String text, String finish_reason) {
            this(index, text, finish_reason, null);
        }
    }

    public record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices, Usage usage) {
    }

    public record Model(String id, String object, long created, String owned_by, boolean random_weights, String architecture,
                 int context_length) {
    }

    public record ModelList(String object, List<Model> data) {
    }

    /** {@code POST /v1/embeddings}' answer: one vector per input, by index. */
    public record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {
    }

    /** One vector: a JSON array of floats, or with {@code encoding_format: "base64"} its little-endian float32 bytes in base64. */
    public record EmbeddingData(String object, int index, Object embedding) {
    }

    public record EmbeddingUsage(int prompt_tokens, int total_tokens) {
    }
}
