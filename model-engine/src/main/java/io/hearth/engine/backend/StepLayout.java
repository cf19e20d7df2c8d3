package io.hearth.engine.backend;

import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a batch's tokens go in one forward step, whatever the backend: every token of every entry in order, with
 * its position in its sequence, the KV slot it writes, and its sequence. Built by {@link #reserve}, which also
 * takes the KV blocks the step needs (all or nothing), so a backend only computes.
 */
public record StepLayout(int total, int[] tokens, int[] positions, int[] slots, Sequence[] owners) {

    /** Lays out {@code batch}, reserving its blocks in {@code kv}; rejects released sequences and tokens outside the vocabulary. */
    public static StepLayout reserve(List<BatchEntry> batch, KvCache kv, ModelConfig config) {
        int total = 0;
        for (BatchEntry e : batch) {
            if (e.sequence().isReleased()) throw new IllegalStateException("sequence was released");
            total += e.tokens().length;
        }
        int[] tokens = new int[total], positions = new int[total], slots = new int[total];
        Sequence[] owners = new Sequence[total];
        int t = 0;
        for (BatchEntry e : batch) {
            kv.reserve(e.sequence(), e.tokens().length);
            for (int i = 0; i < e.tokens().length; i++, t++) {
                tokens[t] = e.tokens()[i];
                positions[t] = e.sequence().length() + i;
                slots[t] = e.sequence().slot(positions[t]);
                owners[t] = e.sequence();
                if (tokens[t] < 0 || tokens[t] >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + tokens[t] + " is outside the vocabulary (0.." + (config.vocabSize() - 1) + ")");
                }
            }
        }
        return new StepLayout(total, tokens, positions, slots, owners);
    }

    /** The RoPE angles of every token's position ({@link TransformerOps#ropeAngles}) into {@code cos/sin[token · ropeDims/2 ..]}. */
    public void ropeAngles(ModelConfig config, float[] freqFactors, float[] cos, float[] sin) {
        int half = config.ropeDims() / 2;
        for (int t = 0; t < total; t++) {
            TransformerOps.ropeAngles(config.ropeDims(), positions[t], config.ropeTheta(), config.ropeFrequencyScale(), freqFactors, cos, sin, t * half);
        }
    }

    /** Longest attention span of the step: the last position of any token, plus one. */
    public int maxLength() {
        int max = 0;
        for (int p : positions) max = Math.max(max, p + 1);
        return max;
    }

    /**
     * The step's tokens each entry asks an output for ({@link BatchEntry#rows}), as indices into {@link #tokens}: first
     * the rows of every entry that wants logits, in order, then the rows of every entry that wants hidden states, so
     * that a backend applies the output matrix to a leading run of rows only ({@link #logitRowCount}).
     */
    public static int[] outputRows(List<BatchEntry> batch) {
        int rows = 0;
        for (BatchEntry e : batch) rows += e.rows();
        int[] indices = new int[rows];
        int row = 0;
        for (boolean logits : new boolean[]{true, false}) {
            int t = 0;
            for (BatchEntry e : batch) {
                int n = e.tokens().length;
                if (e.wantsLogits() == logits) for (int i = n - e.rows(); i < n; i++) indices[row++] = t + i;
                t += n;
            }
        }
        return indices;
    }

    /** How many of the {@link #outputRows} come first and want logits. */
    public static int logitRowCount(List<BatchEntry> batch) {
        int rows = 0;
        for (BatchEntry e : batch) if (e.wantsLogits()) rows += e.rows();
        return rows;
    }

    /**
     * One array per entry, in order: its rows of {@code logits} ({@code vocab} floats each, the {@link #logitRowCount}
     * leading output rows) or of {@code hidden} ({@code dim} floats each, the output rows after those).
     */
    public static List<float[]> outputsPerEntry(List<BatchEntry> batch, float[] logits, int vocab, float[] hidden, int dim) {
        List<float[]> result = new ArrayList<>(batch.size());
        int logitRow = 0, hiddenRow = 0;
        for (BatchEntry e : batch) {
            int n = e.rows();
            if (e.wantsLogits()) {
                result.add(Arrays.copyOfRange(logits, logitRow * vocab, (logitRow + n) * vocab));
                logitRow += n;
            } else {
                result.add(Arrays.copyOfRange(hidden, hiddenRow * dim, (hiddenRow + n) * dim));
                hiddenRow += n;
            }
        }
        return result;
    }
}
