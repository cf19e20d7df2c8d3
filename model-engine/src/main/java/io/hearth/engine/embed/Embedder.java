package io.hearth.engine.embed;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;

import java.util.Arrays;
import java.util.List;

/**
 * Embeds one prompt on a backend of its own, in prompt-sized chunks, without a scheduler: for the CLI and tests. The
 * pool embeds through its step loop instead, batched with generation.
 */
public final class Embedder {
    private Embedder() {
    }

    /** The L2-normalized pooled embedding of {@code tokens} (the prompt's ids, BOS included where the model adds one). */
    public static float[] embed(Backend backend, int[] tokens, Pooling pooling) {
        if (tokens.length == 0) throw new IllegalArgumentException("an embedding needs at least one token");
        KvCache kv = backend.kvCache();
        Sequence sequence = kv.newSequence();
        try {
            PooledEmbedding pooled = new PooledEmbedding(pooling, backend.model().config().dim());
            for (int from = 0; from < tokens.length; from += Generator.PREFILL_CHUNK) {
                int[] chunk = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + Generator.PREFILL_CHUNK));
                pooled.add(backend.forward(List.of(BatchEntry.hidden(sequence, chunk))).getFirst());
            }
            return pooled.vector();
        } finally {
            kv.release(sequence);
        }
    }
}
