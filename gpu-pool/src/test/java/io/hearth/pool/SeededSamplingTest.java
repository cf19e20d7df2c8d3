package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** OpenAI's {@code seed}: the same seed gives the same sampled answer on one replica and on another. */
class SeededSamplingTest {
    @TempDir
    Path dir;

    @Test
    void theSameSeedSamplesTheSameAnswerOnEveryReplica() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);
        SamplingParams seeded = new SamplingParams(1f, 0, 1f, 0f, 1f, 64, 7, 40, List.of(), null);
        // two pools on the same file are two replicas that share nothing: no cache, no state
        try (WarmModelPool one = new WarmModelPool(List.of(new ModelSpec("demo", file, 2, 2048, policy))).awaitPreloaded();
             WarmModelPool other = new WarmModelPool(List.of(new ModelSpec("demo", file, 1, 2048, policy))).awaitPreloaded()) {
            int[] first = one.generate("demo", ModelRequest.text("a seeded story", seeded), TokenListener.NONE).generation().tokens();
            int[] again = one.generate("demo", ModelRequest.text("a seeded story", seeded), TokenListener.NONE).generation().tokens();
            int[] elsewhere = other.generate("demo", ModelRequest.text("a seeded story", seeded), TokenListener.NONE).generation().tokens();
            int[] otherSeed = one.generate("demo", ModelRequest.text("a seeded story", seeded.withSeed(8)), TokenListener.NONE).generation().tokens();
            assertEquals(Arrays.toString(first), Arrays.toString(again), "the same replica, the prompt now from its cache");
            assertEquals(Arrays.toString(first), Arrays.toString(elsewhere), "another replica, with another thread count");
            assertNotEquals(Arrays.toString(first), Arrays.toString(otherSeed), "another seed samples another answer");
        }
    }
}
