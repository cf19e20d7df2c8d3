package io.hearth.engine.generate;

/**
 * @param tokens          generated token ids (the end-of-generation token excluded)
 * @param cachedTokens    prompt tokens whose KV came from the cache instead of being computed
 * @param prefillNanos    time to the first generated token's logits
 * @param decodeNanos     time spent generating after that
 */
public record GenerationResult(int[] tokens, String text, FinishReason finishReason, int promptTokens, int cachedTokens,
                               long prefillNanos, long decodeNanos) {
}
