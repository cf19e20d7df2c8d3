package io.hearth.engine.sample;

import java.util.Map;

/**
 * OpenAI's adjustments of the logits before sampling: {@code logit_bias} added to named tokens, and the presence and
 * frequency penalties, subtracted from the logit of each token the answer already holds (once for being there, and
 * per occurrence): {@code logit -= presence * (count > 0 ? 1 : 0) + frequency * count}. Counted over the generated
 * tokens, not the prompt, as OpenAI and vLLM count them.
 */
public record Penalties(float presence, float frequency, Map<Integer, Float> logitBias) {
    public static final Penalties NONE = new Penalties(0f, 0f, Map.of());
    public static final int MAX_BIASED_TOKENS = 300;

    public Penalties {
        if (!(presence >= -2 && presence <= 2)) throw new IllegalArgumentException("presence_penalty must be between -2 and 2, got " + presence);
        if (!(frequency >= -2 && frequency <= 2)) throw new IllegalArgumentException("frequency_penalty must be between -2 and 2, got " + frequency);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        if (logitBias.size() > MAX_BIASED_TOKENS) throw new IllegalArgumentException("logit_bias may name at most " + MAX_BIASED_TOKENS + " tokens");
        for (Map.Entry<Integer, Float> b : logitBias.entrySet()) {
            if (b.getKey() < 0) throw new IllegalArgumentException("logit_bias keys are token ids (0 or more), got " + b.getKey());
            if (!(b.getValue() >= -100 && b.getValue() <= 100)) throw new IllegalArgumentException("logit_bias values must be between -100 and 100, got " + b.getValue());
        }
    }

    public boolean none() {
        return presence == 0 && frequency == 0 && logitBias.isEmpty();
    }

    /** Applies the bias and the penalties to {@code logits}; {@code generated} are the answer's tokens so far. */
    void apply(float[] logits, int[] history, int generatedFrom, int historyLength) {
        for (Map.Entry<Integer, Float> b : logitBias.entrySet()) {
            if (b.getKey() < logits.length) logits[b.getKey()] += b.getValue();
        }
        if (presence == 0 && frequency == 0) return;
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int i = generatedFrom; i < historyLength; i++) counts.merge(history[i], 1, Integer::sum);
        for (Map.Entry<Integer, Integer> c : counts.entrySet()) {
            int token = c.getKey();
            if (token >= 0 && token < logits.length) logits[token] -= presence + frequency * c.getValue();
        }
    }
}
