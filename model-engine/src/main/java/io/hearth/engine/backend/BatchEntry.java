package io.hearth.engine.backend;

import io.hearth.engine.kv.Sequence;

/**
 * One sequence's share of a batched forward step: a prefill chunk or a single decode token.
 *
 * @param allLogits return logits for every token of the chunk (scoring, teacher forcing), not only the last
 */
public record BatchEntry(Sequence sequence, int[] tokens, boolean allLogits) {
    public BatchEntry {
        if (tokens.length == 0) throw new IllegalArgumentException("a batch entry needs at least one token");
    }

    public static BatchEntry lastLogits(Sequence sequence, int... tokens) {
        return new BatchEntry(sequence, tokens, false);
    }
}
