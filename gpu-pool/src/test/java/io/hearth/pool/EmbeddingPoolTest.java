package io.hearth.pool;

import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.embed.Embedder;
import io.hearth.engine.embed.Pooling;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embeddings run through a replica's step loop as prefill-only sequences, batched with generation. */
class EmbeddingPoolTest {
    @TempDir
    Path dir;

    private static final PoolPolicy POLICY = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);

    /** A prompt longer than one prefill chunk, so its hidden states are pooled over several steps. */
    private static int[] longPrompt() {
        int[] tokens = new int[300];
        for (int i = 0; i < tokens.length; i++) tokens[i] = 1 + (i * 37) % 1000;
        return tokens;
    }

    @Test
    void anEmbeddingSharesStepsWithGenerationAndEqualsOneComputedAlone() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        float[] alone;
        try (Model m = Model.load(file); CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 2048))) {
            alone = Embedder.embed(backend, longPrompt(), Pooling.MEAN);
        }
        LargestBatch largestBatch = new LargestBatch();
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", file, 2, 4096, POLICY)), largestBatch).awaitPreloaded()) {
            Embedding first = pool.embed("demo", ModelRequest.embedding(longPrompt()), LoadProgress.NONE);
            assertEquals(Pooling.MEAN, first.pooling(), "a file without pooling_type pools by mean");
            assertEquals(300, first.promptTokens());
            assertArrayEquals(alone, first.vector(), 1e-5f, "pooled over the scheduler's chunks as over the embedder's");

            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newFixedThreadPool(5)) {
                List<Future<float[]>> embeddings = new ArrayList<>();
                Future<?> generation = clients.submit(() -> {
                    start.await();
                    return pool.generate("demo", ModelRequest.text("a generation beside the embeddings", SamplingParams.greedy(40)), (t, s) -> { });
                });
                for (int i = 0; i < 4; i++) embeddings.add(clients.submit(() -> {
                    start.await();
                    return pool.embed("demo", ModelRequest.embedding(longPrompt()), LoadProgress.NONE).vector();
                }));
                start.countDown();
                generation.get(60, TimeUnit.SECONDS);
                for (Future<float[]> e : embeddings) assertArrayEquals(alone, e.get(60, TimeUnit.SECONDS), 1e-5f, "the same vector in a batch");
            }
            assertTrue(largestBatch.get() > 1, "embeddings and generation shared steps (largest batch " + largestBatch.get() + ")");
            ReplicaInfo replica = pool.pool("demo").replicas().getFirst();
            assertEquals(replica.kvBlocks(), replica.kvBlocksFree(), "every embedding's KV blocks went back (cached ones count as free)");
        }
    }

    @Test
    void lastPoolingStartsFromTheCachedPrefixAndMeanComputesEveryPosition() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        ModelSpec last = new ModelSpec("last", file, 2, 4096, POLICY).withPooling(Pooling.LAST);
        ModelSpec mean = new ModelSpec("mean", file, 2, 4096, POLICY);
        try (WarmModelPool pool = new WarmModelPool(List.of(last, mean)).awaitPreloaded()) {
            Embedding cold = pool.embed("last", ModelRequest.embedding(longPrompt()), LoadProgress.NONE);
            Embedding warm = pool.embed("last", ModelRequest.embedding(longPrompt()), LoadProgress.NONE);
            assertEquals(0, cold.cachedTokens());
            assertTrue(warm.cachedTokens() >= 256, "the second embedding of the prompt reused its blocks (" + warm.cachedTokens() + " cached)");
            assertArrayEquals(cold.vector(), warm.vector(), 1e-5f, "the same vector from the cached prefix");

            pool.embed("mean", ModelRequest.embedding(longPrompt()), LoadProgress.NONE);
            assertEquals(0, pool.embed("mean", ModelRequest.embedding(longPrompt()), LoadProgress.NONE).cachedTokens(),
                    "mean pooling needs every position's hidden state: nothing cached is reused");
        }
    }

    @Test
    void promptsThatCannotBeEmbeddedAreRefusedWithTheReason() throws Exception {
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", TestModels.tiny(dir, "tiny.gguf", 42), 2, 4096, POLICY)))
                .awaitPreloaded()) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> pool.embed("demo", ModelRequest.embedding(new int[]{5, 99999}), LoadProgress.NONE)).getMessage().contains("99999"));
            assertThrows(PromptTooLongException.class,
                    () -> pool.embed("demo", ModelRequest.embedding(new int[3000]), LoadProgress.NONE), "longer than the model's context");
            assertThrows(PromptTooLongException.class,
                    () -> pool.embed("demo", ModelRequest.embedding(longPrompt()).withMaxPromptTokens(100), LoadProgress.NONE));
        }
    }
}
