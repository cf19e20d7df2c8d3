package io.hearth.engine.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

/**
 * A generated token's log-probability under the distribution it was drawn from (the model's logits after the grammar,
 * the bias and the penalties, divided by the temperature when it is above 0), its bytes, and the most likely
 * alternatives at that step, most likely first.
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
        // a bounded heap of the best so far, its worst on top: one pass over the vocabulary, no sort of all of it
        Comparator<Integer> worseFirst = (a, b) -> logprobs[a] != logprobs[b] ? Float.compare(logprobs[a], logprobs[b]) : Integer.compare(b, a);
        PriorityQueue<Integer> best = new PriorityQueue<>(Math.max(1, alternatives + 1), worseFirst);
        for (int i = 0; i < logprobs.length && alternatives > 0; i++) {
            if (logprobs[i] == Float.NEGATIVE_INFINITY) continue;
            if (best.size() < alternatives) best.add(i);
            else if (worseFirst.compare(i, best.peek()) > 0) {
                best.poll();
                best.add(i);
            }
        }
        List<Alternative> top = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            int id = best.poll();
            top.add(new Alternative(id, logprobs[id], bytes.apply(id)));
        }
        return new TokenLogprob(token, logprobs[token], bytes.apply(token), List.copyOf(top.reversed()));
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
