package io.hearth.engine.generate;

/**
 * @param tokens          generated token ids (the end-of-generation token excluded)
 * @param cachedTokens    prompt tokens whose KV came from the cache instead of being computed
 * @param prefillNanos    time to the first generated token's logits
 * @param decodeNanos     time spent generating after that
 * @param logprobs        each generated token's log-probability, when they were asked for (else empty)
 */
public record GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens, int cachedTokens,
                               long prefillNanos, long decodeNanos, java.util.List<io.hearth.engine.sample.TokenLogprob> logprobs) {
    public GenerationResult {
        logprobs = logprobs == null ? java.util.List.of() : java.util.List.copyOf(logprobs);
    }

    public GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens, int cachedTokens,
                            long prefillNanos, long decodeNanos) {
        this(tokens, text, finishReason, promptTokens, cachedTokens, prefillNanos, decodeNanos, java.util.List.of());
    }
}
