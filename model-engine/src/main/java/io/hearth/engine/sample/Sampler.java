package io.hearth.engine.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token from logits. One sampler per sequence: it owns the random stream seeded by the params. */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * @param logits  raw logits of the vocabulary; modified in place
     * @param history tokens so far (prompt and generated), for the repetition penalty
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        return sample(logits, history, historyLength, historyLength);
    }

    /** As above; {@code generatedFrom}: where the answer's tokens start in {@code history} (OpenAI's penalties count those). */
    public int sample(float[] logits, int[] history, int generatedFrom, int historyLength) {
        params.penalties().apply(logits, history, generatedFrom, historyLength);
        applyRepetitionPenalty(logits, history, historyLength);
        if (params.temperature() == 0f) return argmax(logits);

        Integer[] order = candidates(logits);
        int n = order.length;
        if (params.topK() > 0) n = Math.min(n, params.topK());
        double[] probs = new double[n];
        double max = logits[order[0]], sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[order[i]] - max) / params.temperature());
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) probs[i] /= sum;
        int kept = n;
        if (params.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += probs[i];
                if (cumulative >= params.topP()) {
                    kept = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0f) {
            double floor = params.minP() * probs[0];
            int i = 1;
            while (i < kept && probs[i] >= floor) i++;
            kept = i;
        }
        double total = 0;
        for (int i = 0; i < kept; i++) total += probs[i];
        double r = random.nextDouble() * total;
        for (int i = 0; i < kept; i++) {
            r -= probs[i];
            if (r <= 0) return order[i];
        }
        return order[kept - 1];
    }

    /**
     * Token ids sorted by logit, highest first (ties by id). Tokens more than 30·temperature below the best are left
     * out before sorting: each would have a probability below e^-30 of the best, so even a 150k vocabulary of them
     * carries less than 1e-8 of the mass, and the sort stays small.
     */
    private Integer[] candidates(float[] logits) {
        float max = logits[argmax(logits)];
        float floor = max - 30f * params.temperature();
        int count = 0;
        for (float l : logits) if (l >= floor) count++;
        Integer[] ids = new Integer[count];
        for (int i = 0, j = 0; i < logits.length; i++) if (logits[i] >= floor) ids[j++] = i;
        Arrays.sort(ids, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        return ids;
    }

    private void applyRepetitionPenalty(float[] logits, int[] history, int historyLength) {
        float penalty = params.repetitionPenalty();
        if (penalty == 1f || params.repeatLastN() == 0) return;
        boolean[] seen = new boolean[logits.length];
        for (int i = Math.max(0, historyLength - params.repeatLastN()); i < historyLength; i++) {
            int token = history[i];
            if (token < 0 || token >= logits.length || seen[token]) continue;
            seen[token] = true;
            logits[token] = logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty;
        }
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
