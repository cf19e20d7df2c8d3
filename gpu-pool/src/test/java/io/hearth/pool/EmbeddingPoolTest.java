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
        // the largest step that generated a token: with embeddings beside the generation it carries more than one sequence
        java.util.concurrent.atomic.AtomicInteger generatingBeside = new java.util.concurrent.atomic.AtomicInteger();
        PoolEvents steps = new PoolEvents() {
            @Override
            public void step(String model, int batchSize, int generatedTokens) {
                if (generatedTokens > 0) generatingBeside.accumulateAndGet(batchSize, Math::max);
            }
        };
        ModelRequest generation = ModelRequest.text("a generation beside the embeddings", SamplingParams.greedy(40));
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", file, 2, 4096, POLICY)), steps).awaitPreloaded()) {
            String generatedAlone = pool.generate("demo", generation, (t, s) -> { }).generation().text();
            generatingBeside.set(0);
            java.util.concurrent.atomic.AtomicReference<String> generatedBeside = new java.util.concurrent.atomic.AtomicReference<>();
            Embedding first = pool.embed("demo", ModelRequest.embedding(longPrompt()), LoadProgress.NONE);
            assertEquals(Pooling.MEAN, first.pooling(), "a file without pooling_type pools by mean");
            assertEquals(300, first.promptTokens());
            assertArrayEquals(alone, first.vector(), 1e-5f, "pooled over the scheduler's chunks as over the embedder's");

            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newFixedThreadPool(5)) {
                List<Future<float[]>> embeddings = new ArrayList<>();
                Future<?> generating = clients.submit(() -> {
                    start.await();
                    // after the embeddings have arrived, so their prefill steps meet its decoding
                    Thread.sleep(5);
                    generatedBeside.set(pool.generate("demo", generation, (t, s) -> { }).generation().text());
                    return null;
                });
                for (int i = 0; i < 4; i++) embeddings.add(clients.submit(() -> {
                    start.await();
                    return pool.embed("demo", ModelRequest.embedding(longPrompt()), LoadProgress.NONE).vector();
                }));
                start.countDown();
                generating.get(60, TimeUnit.SECONDS);
                for (Future<float[]> e : embeddings) assertArrayEquals(alone, e.get(60, TimeUnit.SECONDS), 1e-5f, "the same vector in a batch");
            }
            assertTrue(generatingBeside.get() > 1, "a step carried the generation and embeddings (largest such step " + generatingBeside.get() + ")");
            assertEquals(generatedAlone, generatedBeside.get(), "the generation's answer is the same beside embeddings");
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
            assertTrue(assertThrows(IllegalArgumentException.class, () -> pool.embed("demo", ModelRequest.embedding(""), LoadProgress.NONE))
                    .getMessage().contains("empty"), "an empty text is not its BOS alone");
        }
    }

    @Test
    void anInputLongerThanTheKvCacheIsRefusedAtOnceEvenWhileOthersRun() throws Exception {
        // a KV cache of 1024 tokens on a model of 2048 positions: an input of 1500 fits the model, never the replica
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("small", TestModels.tiny(dir, "tiny.gguf", 42), 2, 1024, POLICY)))
                .awaitPreloaded();
             ExecutorService client = Executors.newSingleThreadExecutor()) {
            CountDownLatch running = new CountDownLatch(1);
            Future<?> longCall = client.submit(() -> pool.generate("small", ModelRequest.text("talk", SamplingParams.greedy(600)), (t, s) -> running.countDown()));
            assertTrue(running.await(30, TimeUnit.SECONDS));
            long start = System.nanoTime();
            assertThrows(PromptTooLongException.class, () -> pool.embed("small", ModelRequest.embedding(new int[1500]), LoadProgress.NONE));
            assertTrue(!longCall.isDone() || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "refused without waiting for the replica to drain");
            longCall.get(60, TimeUnit.SECONDS);
        }
    }
}
