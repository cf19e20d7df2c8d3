package io.hearth.engine.sample;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final float[] LOGITS = {1f, 5f, 4.9f, 0f, 5f, -3f};

    private static SamplingParams params(float temperature, int topK, float topP, float minP, float penalty, long seed) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, 64, seed, 16, List.of(), null);
    }

    private static Set<Integer> draws(SamplingParams p, int n) {
        Sampler sampler = new Sampler(p);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) seen.add(sampler.sample(LOGITS.clone(), new int[0], 0));
        return seen;
    }

    @Test
    void greedyTakesTheLowestIdAmongTies() {
        assertEquals(1, new Sampler(SamplingParams.greedy(1)).sample(LOGITS.clone(), new int[0], 0));
    }

    @Test
    void sameSeedSameChoices() {
        Sampler a = new Sampler(params(1f, 0, 1f, 0f, 1f, 7)), b = new Sampler(params(1f, 0, 1f, 0f, 1f, 7));
        for (int i = 0; i < 50; i++) assertEquals(a.sample(LOGITS.clone(), new int[0], 0), b.sample(LOGITS.clone(), new int[0], 0));
    }

    @Test
    void topKOneIsGreedyAndTopKTwoKeepsTheTwoBest() {
        assertEquals(Set.of(1), draws(params(1.5f, 1, 1f, 0f, 1f, 3), 200));
        assertEquals(Set.of(1, 4), draws(params(1.5f, 2, 1f, 0f, 1f, 3), 400));
    }

    @Test
    void minPAndTopPCutTheTail() {
        assertEquals(Set.of(1, 2, 4), draws(params(1f, 0, 1f, 0.5f, 1f, 5), 600));
        Set<Integer> nucleus = draws(params(1f, 0, 0.5f, 0f, 1f, 5), 600);
        assertTrue(Set.of(1, 4).containsAll(nucleus), "top_p 0.5 keeps the smallest set reaching half the mass: " + nucleus);
    }

    @Test
    void repetitionPenaltyPushesRepeatedTokensDown() {
        Sampler sampler = new Sampler(new SamplingParams(0f, 0, 1f, 0f, 2f, 64, 0, 16, List.of(), null));
        assertEquals(2, sampler.sample(LOGITS.clone(), new int[]{1, 4}, 2));
        assertNotEquals(1, sampler.sample(LOGITS.clone(), new int[]{1}, 1));
    }

    @Test
    void invalidParametersSayWhatToFix() {
        assertEquals("temperature must be between 0 and 2, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> params(-1f, 0, 1f, 0f, 1f, 0)).getMessage());
        assertEquals("temperature must be between 0 and 2, got 1.0E38",
                assertThrows(IllegalArgumentException.class, () -> params(1e38f, 0, 1f, 0f, 1f, 0)).getMessage());
        assertEquals("top_p must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> params(1f, 0, 0f, 0f, 1f, 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(0));
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(4).withStop(List.of("")));
    }

    @Test
    void presenceAndFrequencyPenaltiesCountTheAnswerNotThePrompt() {
        // token 1 (logit 5) was generated twice, token 4 (logit 5) once; token 2 (4.9) never; token 4 is also in the prompt
        int[] history = {4, 1, 1, 4};
        float[] logits = LOGITS.clone();
        new Penalties(0.5f, 0.2f, java.util.Map.of()).apply(logits, history, 1, history.length);
        assertEquals(5f - 0.5f - 0.2f * 2, logits[1], 1e-6f, "present (0.5) and twice (2 × 0.2)");
        assertEquals(5f - 0.5f - 0.2f, logits[4], 1e-6f, "the prompt's occurrence does not count");
        assertEquals(4.9f, logits[2], 1e-6f);
        Sampler sampler = new Sampler(SamplingParams.greedy(4).withPenalties(new Penalties(0.5f, 0.2f, java.util.Map.of())));
        assertEquals(2, sampler.sample(LOGITS.clone(), history, 1, history.length), "the unrepeated token now wins");
    }

    @Test
    void logitBiasAddsToNamedTokensAndMinus100Bans() {
        Sampler sampler = new Sampler(SamplingParams.greedy(4).withPenalties(new Penalties(0, 0, java.util.Map.of(1, -100f, 4, -100f, 5, 10f))));
        assertEquals(5, sampler.sample(LOGITS.clone(), new int[0], 0), "-3 + 10 beats every other token once 1 and 4 are banned");
        assertThrows(IllegalArgumentException.class, () -> new Penalties(0, 0, java.util.Map.of(1, 101f)));
        assertThrows(IllegalArgumentException.class, () -> new Penalties(2.5f, 0, java.util.Map.of()));
    }
}
