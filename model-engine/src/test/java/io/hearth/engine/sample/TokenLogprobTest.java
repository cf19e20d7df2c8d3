package io.hearth.engine.sample;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The alternatives of a log-probability are the most likely tokens in order, as a full sort finds them. */
class TokenLogprobTest {
    @Test
    void theAlternativesAreTheTopTokensWithTiesByLowerIdAndNoImpossibleOnes() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            float[] lp = new float[50 + random.nextInt(200)];
            for (int i = 0; i < lp.length; i++) {
                int kind = random.nextInt(10);
                lp[i] = kind == 0 ? Float.NEGATIVE_INFINITY : kind < 3 ? -1.5f : -random.nextFloat() * 10; // ties and impossible tokens
            }
            int k = random.nextInt(21);
            TokenLogprob entry = TokenLogprob.of(lp, 0, k, id -> new byte[]{(byte) id});
            Integer[] sorted = new Integer[lp.length];
            for (int i = 0; i < lp.length; i++) sorted[i] = i;
            Arrays.sort(sorted, (a, b) -> lp[a] != lp[b] ? Float.compare(lp[b], lp[a]) : Integer.compare(a, b));
            int possible = (int) Arrays.stream(sorted).filter(i -> lp[i] != Float.NEGATIVE_INFINITY).count();
            assertEquals(Math.min(k, possible), entry.top().size());
            for (int j = 0; j < entry.top().size(); j++) assertEquals(sorted[j], entry.top().get(j).token(), "round " + round + ", alternative " + j);
        }
    }
}
