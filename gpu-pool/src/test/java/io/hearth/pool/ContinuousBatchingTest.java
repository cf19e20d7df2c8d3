package io.hearth.pool;

import io.hearth.engine.kv.KvCache;
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

/** One replica's step loop: concurrent requests share forward steps and give exactly what they give alone. */
class ContinuousBatchingTest {
    @TempDir
    Path dir;

    private static final String[] PROMPTS = {"one", "two words", "a somewhat longer prompt of several words", "x",
            "the fourth prompt", "and a sixth one here", "seven", "eight is enough"};

    @Test
    void concurrentRequestsAreBatchedAndMatchTheirSoloOutput() throws Exception {
        LargestBatch largestBatch = new LargestBatch();
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", TestModels.tiny(dir, "tiny.gguf", 42), 2, 2048, policy)), largestBatch)
                .awaitPreloaded()) {
            List<int[]> alone = new ArrayList<>();
            for (String prompt : PROMPTS) alone.add(generate(pool, prompt));
            assertEquals(1, largestBatch.get(), "one at a time, nothing to batch");

            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newFixedThreadPool(PROMPTS.length)) {
                List<Future<int[]>> together = new ArrayList<>();
                for (String prompt : PROMPTS) together.add(clients.submit(() -> {
                    start.await();
                    return generate(pool, prompt);
                }));
                start.countDown();
                for (int i = 0; i < PROMPTS.length; i++) {
                    assertArrayEquals(alone.get(i), together.get(i).get(60, TimeUnit.SECONDS), "greedy output of '" + PROMPTS[i] + "' in a batch");
                }
            }
            assertTrue(largestBatch.get() > 1, "concurrent sequences shared forward steps (largest batch " + largestBatch.get() + ")");
            assertEquals(pool.pool("demo").replicas().getFirst().kvBlocks(), pool.pool("demo").replicas().getFirst().kvBlocksFree()
                    + 0, "every sequence's KV blocks went back to the pool (cached ones count as free)");
        }
    }

    @Test
    void theKvCacheHoldsItsConfiguredTokensOverAllSequencesEvenBeyondOneContext() throws Exception {
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);
        // the tiny model's context is 2048 tokens; the replica's KV is set to twice that, for all its sequences
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", TestModels.tiny(dir, "tiny.gguf", 42), 1, 4096, policy)))
                .awaitPreloaded()) {
            ReplicaInfo replica = pool.pool("demo").replicas().getFirst();
            assertEquals(KvCache.blocksFor(4096), replica.kvBlocks(), "the replica's KV blocks, shared by its sequences");
        }
    }

    private static int[] generate(ModelPool pool, String prompt) {
        return pool.generate("demo", ModelRequest.text(prompt, SamplingParams.greedy(24)), (t, s) -> { }).generation().tokens();
    }

    @Test
    void aFullQueueIsRefusedAndAGoneClientFreesItsSlot() throws Exception {
        PoolPolicy oneAtATime = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 1, 0);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", TestModels.tiny(dir, "tiny.gguf", 42), 1, 2048, oneAtATime)))
                .awaitPreloaded()) {
            // The tiny model can run all 1,500 tokens in ~150 ms once the JIT is hot; if the long call ended before
            // "me too" arrived, the attempt proves nothing and runs again (a pool that never refuses fails all five).
            PoolBusyException busy = null;
            for (int attempt = 1; busy == null; attempt++) {
                assertTrue(attempt <= 5, "a call beyond max-batch + max-queue was never refused while the long call ran");
                CountDownLatch streaming = new CountDownLatch(1);
                CountDownLatch leave = new CountDownLatch(1);
                try (ExecutorService client = Executors.newSingleThreadExecutor()) {
                    Future<?> longCall = client.submit(() -> pool.generate("demo", ModelRequest.text("talk", SamplingParams.greedy(1500)), (t, s) -> {
                        streaming.countDown();
                        try {
                            if (leave.await(0, TimeUnit.SECONDS)) throw new IllegalStateException("client disconnected");
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                    // the last attempt's cancelled call may still hold the slot for a step: then this one is refused, and retried
                    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!streaming.await(50, TimeUnit.MILLISECONDS) && !longCall.isDone()) {
                        assertTrue(System.nanoTime() < waitUntil, "the long call never started");
                    }
                    if (streaming.getCount() > 0) continue;
                    try {
                        generate(pool, "me too");
                    } catch (PoolBusyException e) {
                        busy = e;
                    }
                    leave.countDown();
                    try {
                        longCall.get(30, TimeUnit.SECONDS); // it may have finished before the client left
                    } catch (java.util.concurrent.ExecutionException disconnected) {
                        // the client left: its generation was cancelled
                    }
                }
            }
            assertTrue(busy.getMessage().contains("retry"), busy.getMessage());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.pool("demo").replicas().getFirst().load() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(24, generate(pool, "me too").length, "the cancelled sequence left, the next one runs");
        }
    }
}
