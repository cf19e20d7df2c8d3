package io.hearth.engine.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A generated token's log-probability under the logits it was sampled from (the model's logits after the grammar, the
 * bias and the penalties, divided by the temperature when it is above 0; before top-k, top-p and min-p cut them), its
 * bytes, and the most likely alternatives at that step, most likely first.
 */
public record TokenLogprob(int token, float logprob, byte[] bytes, List<Alternative> top) {
    /** One of the most likely tokens at the step. */
    public record Alternative(int token, float logprob, byte[] bytes) {
    }

    /**
     * Token {@code token}'s entry among {@code logprobs} (every token's, as {@link #logSoftmax} gives them), with the
     * {@code alternatives} most likely tokens (ties: lowest id first; impossible tokens never), each with its bytes.
     */
    public static TokenLogprob of(float[] logprobs, int token, int alternatives, IntFunction<byte[]> bytes) {
        // the best so far, kept sorted (at most 20): one pass over the vocabulary, no boxing, no sort of all of it
        int[] best = new int[alternatives];
        int kept = 0;
        for (int i = 0; i < logprobs.length && alternatives > 0; i++) {
            float l = logprobs[i];
            if (l == Float.NEGATIVE_INFINITY || kept == alternatives && l <= logprobs[best[kept - 1]]) continue;
            int at = Math.min(kept, alternatives - 1);
            while (at > 0 && logprobs[best[at - 1]] < l) { // ties keep the lower id first: it came first
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
            if (kept < alternatives) kept++;
        }
        List<Alternative> top = new ArrayList<>(kept);
        for (int k = 0; k < kept; k++) top.add(new Alternative(best[k], logprobs[best[k]], bytes.apply(best[k])));
        return new TokenLogprob(token, logprobs[token], bytes.apply(token), List.copyOf(top));
    }

    /** Log-probabilities of every token, from the logits the token was chosen from. */
    public static float[] logSoftmax(float[] logits, float temperature) {
        float scale = temperature > 0 ? 1f / temperature : 1f;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l * scale);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l * scale - max);
        double logSum = max + Math.log(sum);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = (float) (logits[i] * scale - logSum);
        return out;
    }
}
