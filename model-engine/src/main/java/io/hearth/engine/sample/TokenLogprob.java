package io.hearth.engine.sample;

import java.util.List;

/**
 * A generated token's log-probability under the distribution it was drawn from (the model's logits after the grammar,
 * the bias and the penalties, divided by the temperature when it is above 0), its bytes, and the most likely
 * alternatives at that step, most likely first.
 */
public record TokenLogprob(int token, float logprob, byte[] bytes, List<Alternative> top) {
    /** One of the most likely tokens at the step. */
    public record Alternative(int token, float logprob, byte[] bytes) {
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
