package io.hearth.pool;

import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pre-warming before demand: from a model's regular arrivals, and in scheduled daily windows. */
class PrewarmTest {
    @TempDir
    Path dir;

    private static final long S = 1_000_000_000L;

    @Test
    void regularArrivalsPredictTheNextOneAndIrregularOnesPredictNothing() {
        ArrivalForecast regular = new ArrivalForecast();
        for (int i = 0; i <= 4; i++) regular.arrived(10 * S * i);
        regular.arrived(40 * S + S / 100); // a concurrent call in the same burst is one arrival
        assertEquals(10 * S, regular.regularGap());
        assertFalse(regular.dueWithin(45 * S, 2 * S), "not yet");
        assertTrue(regular.dueWithin(48 * S, 2 * S), "due at 50 s, within the 2 s lead");
        assertTrue(regular.dueWithin(54 * S, 2 * S), "a late call is waited for half a gap");
        assertFalse(regular.dueWithin(56 * S, 2 * S));

        ArrivalForecast bursty = new ArrivalForecast();
        long[] times = {0, 2, 30, 31, 90};
        for (long t : times) bursty.arrived(t * S);
        assertEquals(0, bursty.regularGap());
    }

    @Test
    void scheduledWindowsParseWrapMidnightAndRefuseNonsense() {
        PrewarmSchedule s = PrewarmSchedule.parse("08:30-18:00, 22:00-02:00");
        assertTrue(s.active(LocalTime.of(9, 0)));
        assertFalse(s.active(LocalTime.of(20, 0)));
        assertTrue(s.active(LocalTime.of(1, 0)));
        assertEquals("08:30-18:00,22:00-02:00", s.text());
        assertThrows(IllegalArgumentException.class, () -> PrewarmSchedule.parse("mornings"));
    }

    @Test
    void aModelCalledRegularlyIsWarmWhenItsNextCallComesThoughItScalesToZeroBetween() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 5);
        List<String> prewarms = new CopyOnWriteArrayList<>();
        PoolEvents events = new PoolEvents() {
            @Override
            public void prewarm(String m, String reason) {
                prewarms.add(reason);
            }
        };
        PoolPolicy idleFast = new PoolPolicy(0, 1, Duration.ofMillis(200), false, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, idleFast)), events)) {
            ModelRequest hi = ModelRequest.text("hi", SamplingParams.greedy(2));
            Completion last = null;
            int coldStarts = 0;
            for (int i = 0; i < 6; i++) {
                if (i > 0) Thread.sleep(3000);
                last = pool.generate("demo", hi, (t, x) -> { });
                if (last.coldStart() != null) coldStarts++;
            }
            assertTrue(coldStarts >= 3, "the first calls found the model scaled to zero: " + coldStarts);
            assertNull(last.coldStart(), "by the sixth call the regular gap was predicted and the replica was warm");
            assertTrue(prewarms.contains("predicted"), prewarms.toString());
        }
    }

    @Test
    void aScheduledWindowKeepsAReplicaWarm() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 6);
        LocalTime now = LocalTime.now();
        PrewarmSchedule around = PrewarmSchedule.parse(now.minusMinutes(5).withNano(0).withSecond(0) + "-" + now.plusMinutes(5).withNano(0).withSecond(0));
        PoolPolicy policy = new PoolPolicy(0, 1, Duration.ofMillis(200), false, 4, 8, Duration.ofSeconds(1), Duration.ofHours(1), around, false);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 512, policy)))) {
            long deadline = System.nanoTime() + 10 * S;
            while (pool.pool("demo").replicas().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(1, pool.pool("demo").replicas().size(), "loaded without a call, in the window");
            Thread.sleep(1500);
            assertEquals(1, pool.pool("demo").replicas().size(), "kept past its 200 ms idle timeout");
            assertNotNull(pool.pool("demo").policy().prewarmSchedule());
        }
    }
}
