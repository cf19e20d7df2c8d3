package io.hearth.engine.backend;

import io.hearth.engine.kv.Sequence;

/**
 * One sequence's share of a batched forward step: a prefill chunk or a single decode token, and what the step gives
 * back for it.
 *
 * @param output what the step returns for this entry (see {@link Output})
 */
public record BatchEntry(Sequence sequence, int[] tokens, Output output) {
    /** What a step returns for an entry. */
    public enum Output {
        /** The logits of the entry's last token ({@code vocab} floats): decoding and prefill. */
        LAST_LOGITS,
        /** The logits of every token of the entry ({@code tokens × vocab}): scoring, teacher forcing. */
        ALL_LOGITS,
        /**
         * The final normed hidden state of every token ({@code tokens × dim}), the input of the output matrix, which
         * is not applied: embeddings pool these.
         */
        HIDDEN
    }

    public BatchEntry {
        if (tokens.length == 0) throw new IllegalArgumentException("a batch entry needs at least one token");
        if (output == null) throw new IllegalArgumentException("a batch entry needs an output");
    }

    public static BatchEntry lastLogits(Sequence sequence, int... tokens) {
        return new BatchEntry(sequence, tokens, Output.LAST_LOGITS);
    }

    public static BatchEntry allLogits(Sequence sequence, int... tokens) {
        return new BatchEntry(sequence, tokens, Output.ALL_LOGITS);
    }

    public static BatchEntry hidden(Sequence sequence, int... tokens) {
        return new BatchEntry(sequence, tokens, Output.HIDDEN);
    }

    /** Rows of output this entry asks for: one per token, except {@link Output#LAST_LOGITS}. */
    int rows() {
        return output == Output.LAST_LOGITS ? 1 : tokens.length;
    }

    boolean wantsLogits() {
        return output != Output.HIDDEN;
    }
}
