package io.hearth.engine.sample;

import io.hearth.engine.grammar.Grammar;

import java.util.List;

/**
 * How the next token is chosen and when generation ends. Temperature 0 is greedy (argmax, lowest id on ties).
 * Filters apply in llama.cpp's order: repetition penalty, top-k, then temperature, top-p and min-p.
 *
 * @param topK              keep the k most likely tokens (0 = all)
 * @param topP              keep the smallest set whose probability reaches p (1 = all)
 * @param minP              drop tokens less likely than minP × the most likely one (0 = none)
 * @param repetitionPenalty divide positive (multiply negative) logits of the last {@code repeatLastN} tokens (1 = off)
 * @param seed              seed of the random choice, for reproducible sampling
 * @param stop              strings that end generation; they are not part of the output
 * @param grammar           what the output must match (a JSON Schema, a tool call), applied to the logits before
 *                          every filter above; null: free text
 * @param penalties         OpenAI's logit bias and presence and frequency penalties (after the grammar, before the
 *                          repetition penalty)
 * @param logprobs          how many alternatives to report with each token's log-probability (0: the token's alone;
 *                          -1: no log-probabilities)
 * @param promptLogprobs    report the prompt's tokens' log-probabilities too (each under the model's distribution
 *                          after the tokens before it; the first has none): computed in the prefill, so such a prompt
 *                          does not start from cached blocks; needs {@code logprobs} 0 or more
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                             int repeatLastN, long seed, int maxTokens, List<String> stop, Grammar grammar, Penalties penalties,
                             int logprobs, boolean promptLogprobs) {
    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                          int repeatLastN, long seed, int maxTokens, List<String> stop, Grammar grammar) {
        this(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, grammar, Penalties.NONE, -1, false);
    }

    public static final int MAX_STOP_STRINGS = 16;
    /** Above OpenAI's own bound of 2 sampling is noise; a bound keeps 1e38 from passing as a setting. */
    public static final float MAX_TEMPERATURE = 2f;
    /** Penalties beyond this only make every repeated token impossible. */
    public static final float MAX_REPETITION_PENALTY = 10f;
    public static final int MAX_STOP_LENGTH = 256;

    public SamplingParams {
        require(temperature >= 0 && temperature <= MAX_TEMPERATURE, "temperature must be between 0 and " + (int) MAX_TEMPERATURE + ", got " + temperature);
        require(topK >= 0, "top_k must be 0 (off) or more, got " + topK);
        require(topP > 0 && topP <= 1, "top_p must be in (0, 1], got " + topP);
        require(minP >= 0 && minP < 1, "min_p must be in [0, 1), got " + minP);
        require(repetitionPenalty > 0 && repetitionPenalty <= MAX_REPETITION_PENALTY,
                "repetition_penalty must be above 0 and at most " + (int) MAX_REPETITION_PENALTY + ", got " + repetitionPenalty);
        require(repeatLastN >= 0, "repeat_last_n must be 0 or more, got " + repeatLastN);
        require(maxTokens >= 1, "max_tokens must be at least 1, got " + maxTokens);
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (penalties == null) penalties = Penalties.NONE;
        require(logprobs >= -1 && logprobs <= MAX_TOP_LOGPROBS, "top_logprobs must be from 0 to " + MAX_TOP_LOGPROBS + ", got " + logprobs);
        require(!promptLogprobs || logprobs >= 0, "the prompt's log-probabilities come with the answer's: ask for logprobs too");
        require(stop.size() <= MAX_STOP_STRINGS, "at most " + MAX_STOP_STRINGS + " stop strings are allowed, got " + stop.size());
        for (String s : stop) {
            require(!s.isEmpty() && s.length() <= MAX_STOP_LENGTH, "stop strings must be 1 to " + MAX_STOP_LENGTH + " characters long");
        }
        // a stop string could cut a structured answer anywhere: under a grammar, the grammar decides where it ends
        require(grammar == null || stop.isEmpty(), "stop cannot be combined with a response format or tools: the answer ends where its grammar does");
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0, maxTokens, List.of(), null);
    }

    public SamplingParams withStop(List<String> strings) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, strings, grammar, penalties, logprobs, promptLogprobs);
    }

    public SamplingParams withPenalties(Penalties adjustments) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, grammar, adjustments, logprobs, promptLogprobs);
    }

    public SamplingParams withSeed(long seed) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, grammar, penalties, logprobs, promptLogprobs);
    }

    /** Log-probabilities with each token and its {@code top} most likely alternatives (-1: none). */
    public SamplingParams withLogprobs(int top) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, grammar, penalties, top, promptLogprobs);
    }

    /** The prompt's log-probabilities as well (completions' {@code echo} with {@code logprobs}). */
    public SamplingParams withPromptLogprobs() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, grammar, penalties, logprobs, true);
    }

    public SamplingParams withGrammar(Grammar constraint) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, repeatLastN, seed, maxTokens, stop, constraint, penalties, logprobs, promptLogprobs);
    }
}
