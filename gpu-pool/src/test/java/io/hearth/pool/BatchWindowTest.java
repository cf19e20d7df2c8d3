package io.hearth.pool;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.kv.CacheScope;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** An idle replica waits a share of a step for requests sent together, so they start (and end) together. */
class BatchWindowTest {
    /** Steps as long as a small model's on a CPU, so the window (a twentieth of a step) is long enough to see. */
    private static final long STEP_MILLIS = 200;

    @TempDir
    Path dir;

    @Test
    void requestsArrivingTogetherAtAnIdleReplicaShareTheFirstStep() throws Exception {
        List<Integer> stepSizes = new CopyOnWriteArrayList<>();
        try (Model model = Model.load(TestModels.tiny(dir, "tiny.gguf", 7));
             Backend backend = new SlowBackend(new CpuBackend(model, new EngineOptions(1, KvType.F32, 1024)));
             Scheduler scheduler = new Scheduler(backend, 8, "window", (sequences, generated) -> stepSizes.add(sequences),
                     failure -> { }, null, SharedBlocks.NONE)) {
            int warmUpSteps = awaitDone(submit(scheduler, model, "warm up")); // teaches the loop how long a step takes
            // its last step is reported just after its result
            Eventually.await("the warm-up's steps are reported", () -> stepSizes.size() == warmUpSteps);
            assertEquals(STEP_MILLIS * 1_000_000 / Scheduler.BATCH_WINDOW_FRACTION, scheduler.batchWindowNanos(), STEP_MILLIS * 100_000.0,
                    "the window is a twentieth of a step");
            stepSizes.clear();

            ScheduledSequence first = submit(scheduler, model, "first");
            Thread.sleep(scheduler.batchWindowNanos() / 4_000_000); // a quarter of the window later
            ScheduledSequence second = submit(scheduler, model, "second");
            int steps = Math.max(awaitDone(first), awaitDone(second));
            Eventually.await("the burst's steps are reported", () -> stepSizes.size() >= steps);
            assertEquals(List.of(2, 2), stepSizes, "both prompts in the first step, both last tokens in the second");
        }
    }

    private static ScheduledSequence submit(Scheduler scheduler, Model model, String prompt) {
        ScheduledSequence s = new ScheduledSequence(model.tokenizer(), model.tokenizer().encode(prompt, true, true),
                SamplingParams.greedy(2), "test", CacheScope.UNSCOPED, List.of());
        scheduler.submit(s);
        return s;
    }

    /** Waits for the sequence's result; returns its tokens, one per step it ran in. */
    private static int awaitDone(ScheduledSequence s) throws InterruptedException {
        ScheduledSequence.Event event;
        int tokens = 0;
        while ((event = s.events.poll(30, TimeUnit.SECONDS)) instanceof ScheduledSequence.Token) tokens++;
        assertInstanceOf(ScheduledSequence.Done.class, event, "the sequence finished");
        return tokens;
    }

    /** A real backend whose steps take at least {@link #STEP_MILLIS}, as a larger model's would. */
    private record SlowBackend(Backend inner) implements Backend {
        @Override
        public List<float[]> forward(List<BatchEntry> batch) {
            long until = System.nanoTime() + STEP_MILLIS * 1_000_000;
            List<float[]> logits = inner.forward(batch);
            try {
                TimeUnit.NANOSECONDS.sleep(until - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return logits;
        }

        @Override
        public String device() {
            return inner.device();
        }

        @Override
        public Model model() {
            return inner.model();
        }

        @Override
        public KvCache kvCache() {
            return inner.kvCache();
        }

        @Override
        public long deviceBytes() {
            return inner.deviceBytes();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
