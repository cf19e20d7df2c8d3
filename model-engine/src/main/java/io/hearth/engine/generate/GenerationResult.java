package io.hearth.engine.generate;

/**
 * @param tokens          generated token ids (the end-of-generation token excluded)
 * @param cachedTokens    prompt tokens whose KV came from the cache instead of being computed
 * @param prefillNanos    time to the first generated token's logits
 * @param decodeNanos     time spent generating after that
 * @param logprobs        each generated token's log-probability, when they were asked for (else empty)
 * @param promptLogprobs  each prompt token's log-probability (the first's NaN: nothing predicts it), when they were
 *                        asked for (else empty)
 */
public record GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens, int cachedTokens,
                               long prefillNanos, long decodeNanos, java.util.List<io.hearth.engine.sample.TokenLogprob> logprobs,
                               java.util.List<io.hearth.engine.sample.TokenLogprob> promptLogprobs) {
    public GenerationResult {
        logprobs = logprobs == null ? java.util.List.of() : java.util.List.copyOf(logprobs);
        promptLogprobs = promptLogprobs == null ? java.util.List.of() : java.util.List.copyOf(promptLogprobs);
    }

    public GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens, int cachedTokens,
                            long prefillNanos, long decodeNanos) {
        this(tokens, text, finishReason, promptTokens, cachedTokens, prefillNanos, decodeNanos, java.util.List.of(), java.util.List.of());
    }
}
