package io.hearth.pool;

import io.hearth.engine.embed.Pooling;

/**
 * A prompt's embedding: the L2-normalized pooled vector, the model that computed it and how it pooled, the prompt's
 * tokens (and how many of them came from the prefix cache), its time in the replica's queue, the cold start it waited
 * for (null when a warm replica served it) and where its cached prefix came from.
 */
public record Embedding(String model, float[] vector, Pooling pooling, int promptTokens, int cachedTokens, long queuedNanos,
                        ColdStart coldStart, PrefixReuse prefix) implements ServedCall<Embedding> {
    @Override
    public Embedding withColdStart(ColdStart start) {
        return new Embedding(model, vector, pooling, promptTokens, cachedTokens, queuedNanos, start, prefix);
    }
}
