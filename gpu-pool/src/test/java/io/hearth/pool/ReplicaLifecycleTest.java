package io.hearth.pool;

import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.hearth.pool.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scale-to-zero, cold starts with their tier and progress, the load self-check, and ops' scale and drain. */
class ReplicaLifecycleTest {
    @TempDir
    Path dir;

    private final List<String> transitions = new ArrayList<>();
    private final PoolEvents events = new PoolEvents() {
        @Override
        public synchronized void transition(String model, ReplicaState from, ReplicaState to) {
            transitions.add(from + ">" + to);
        }
    };

    private static final PoolPolicy SCALE_TO_ZERO = new PoolPolicy(0, 1, Duration.ofMillis(300), false, 4, 8);

    private static Completion call(ModelPool pool, List<Integer> progress) {
        return pool.generate("demo", ModelRequest.text("hello", SamplingParams.greedy(3)), (t, s) -> { }, progress::add);
    }


    @Test
    void anIdleReplicaScalesToZeroAndTheNextCallIsAColdStartFromHostMemory() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 42);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, SCALE_TO_ZERO)), events)) {
            assertTrue(pool.ready(), "a model that does not preload leaves readiness alone");
            assertTrue(pool.pool("demo").replicas().isEmpty(), "nothing loaded before the first call");

            List<Integer> progress = new ArrayList<>();
            Completion first = call(pool, progress);
            assertNotNull(first.coldStart(), "the first call waited for a load");
            assertTrue(first.coldStart().loadNanos() > 0);
            assertEquals(100, progress.getLast(), "the caller saw the load finish: " + progress);

            Completion warm = call(pool, new ArrayList<>());
            assertNull(warm.coldStart(), "a warm replica served the second call");
            assertArrayEqualsText(first, warm);

            await("the idle replica is unloaded", () -> pool.pool("demo").replicas().isEmpty());
            Completion again = call(pool, new ArrayList<>());
            assertEquals(WeightTier.HOST, again.coldStart().tier(), "the weights were still in the page cache");
            assertArrayEqualsText(first, again);
            assertEquals(2, pool.pool("demo").coldStarts().values().stream().mapToLong(Long::longValue).sum());
            synchronized (events) {
                assertTrue(transitions.containsAll(List.of("COLD>LOADING", "LOADING>WARM", "WARM>DRAINING", "DRAINING>COLD")), transitions.toString());
            }
        }
    }

    @Test
    void aPreloadedModelThatScaledToZeroIsStillReady() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 42);
        PoolPolicy preloadThenIdle = new PoolPolicy(0, 1, Duration.ofMillis(300), true, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, preloadThenIdle)), events)) {
            assertFalse(pool.ready() && pool.pool("demo").replicas().isEmpty(), "not ready before the preload is warm");
            pool.awaitPreloaded();
            assertTrue(pool.ready());
            await("the idle replica is unloaded", () -> pool.pool("demo").replicas().isEmpty());
            assertTrue(pool.ready(), "scaled to zero is not an outage: the next call is a cold start");
        }
    }

    private static void assertArrayEqualsText(Completion a, Completion b) {
        assertEquals(a.generation().text(), b.generation().text(), "the same greedy output after a reload");
    }

    @Test
    void aReloadWhoseSelfCheckDiffersIsDiscardedAndReported() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 42);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, SCALE_TO_ZERO)), events)) {
            call(pool, new ArrayList<>());
            await("the idle replica is unloaded", () -> pool.pool("demo").replicas().isEmpty());
            // Same shape and header, other weights: what a corrupted or silently replaced file looks like.
            TestModels.tiny(dir, "tiny.gguf", 7);
            List<String> received = new ArrayList<>();
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class, () -> pool.generate("demo",
                    ModelRequest.text("hello", SamplingParams.greedy(3)), (t, text) -> received.add(text)));
            assertTrue(received.isEmpty(), "the check shares the replica's first step, and no token of it went out: " + received);
            assertTrue(e.configured() && e.getMessage().contains("self-check failed"), e.getMessage());
            assertTrue(pool.failures().get("demo").contains("self-check failed"));
            assertTrue(pool.ready(), "a model loaded on demand that fails is reported, and the server stays in service");
            assertTrue(pool.pool("demo").replicas().isEmpty(), "the failed replica was discarded");
        }
    }

    @Test
    void deployedFunctionsKeepTheirModelWarmWhileTheyAskForIt() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 42);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, SCALE_TO_ZERO)), events)) {
            pool.functionsMinWarm("demo", 1);
            await("a replica loads for the functions", () -> pool.pool("demo").replicas().size() == 1);
            Thread.sleep(1000);
            assertEquals(1, pool.pool("demo").replicas().size(), "kept past the 300 ms idle timeout");
            pool.functionsMinWarm("demo", 0);
            await("the model scales to zero again", () -> pool.pool("demo").replicas().isEmpty());
        }
    }

    @Test
    void opsScaleUpDrainAndEvict() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 42);
        try (FileChannel file = FileChannel.open(model, StandardOpenOption.WRITE)) {
            file.force(true); // written pages must reach the disk before the kernel may drop them
        }
        PoolPolicy manual = new PoolPolicy(0, 2, Duration.ofMinutes(5), false, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, manual)), events)) {
            pool.scale("demo", 2);
            await("two replicas are warm", () -> pool.pool("demo").replicas().size() == 2);
            assertThrows(IllegalArgumentException.class, () -> pool.scale("demo", 3), "never beyond max-replicas");
            assertNull(call(pool, new ArrayList<>()).coldStart());

            pool.drain("demo");
            await("drained replicas unload", () -> pool.pool("demo").replicas().isEmpty());
            pool.scale("demo", 0);
            assertEquals(WeightTier.HOST, call(pool, new ArrayList<>()).coldStart().tier(),
                    "after a drain the next call starts a replica from the weights kept in host memory");

            pool.evict("demo");
            await("the evicted replica unloads", () -> pool.pool("demo").replicas().isEmpty());
            // the pages are dropped right after the replica leaves the pool's list: wait for that too
            await("the host tier is dropped", () -> PageCache.residentFraction(model) < 0.9);
            assertEquals(WeightTier.DISK, call(pool, new ArrayList<>()).coldStart().tier(), "an evicted model reads the disk again");

            pool.scale("demo", 0);
            await("the evict check's replica unloads", () -> pool.pool("demo").replicas().isEmpty());
            long before = pool.devices().getFirst().usedBytes();
            pool.context("demo", 256);
            assertEquals(256, pool.pool("demo").kvTokens());
            pool.scale("demo", 1);
            await("a replica with the new context is warm", () -> pool.pool("demo").replicas().size() == 1);
            assertEquals(256 / 16, pool.pool("demo").replicas().getFirst().kvBlocks(), "loaded with the new context");
            pool.scale("demo", 0);
            await("it unloads", () -> pool.pool("demo").replicas().isEmpty());
            assertEquals(before, pool.devices().getFirst().usedBytes(), "its own reservation was given back");
            assertThrows(IllegalArgumentException.class, () -> pool.context("demo", 4));

            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                    () -> pool.policy("demo", new PoolPolicy(0, 10_000_000, Duration.ofMinutes(5), false, 4, 8)));
            assertTrue(tooMany.getMessage().contains("must be at most") && tooMany.getMessage().contains("MiB"),
                    "a policy beyond what the device can hold is refused with the figures: " + tooMany.getMessage());
            assertEquals(2, pool.pool("demo").policy().maxReplicas(), "and changes nothing");

            pool.policy("demo", new PoolPolicy(1, 2, Duration.ofMillis(200), false, 4, 8));
            Thread.sleep(1500);
            assertEquals(1, pool.pool("demo").replicas().size(), "min-warm keeps one replica however idle");
        }
    }
}
