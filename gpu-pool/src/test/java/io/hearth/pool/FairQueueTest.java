package io.hearth.pool;

import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Callers sharing a model take turns; each caller's own requests keep their order. */
class FairQueueTest {
    private static ScheduledSequence from(String caller, int id) {
        return new ScheduledSequence((Tokenizer) null, new int[]{id}, SamplingParams.greedy(1), caller, null, List.of());
    }

    @Test
    void aFloodingCallerWaitsItsTurn() {
        FairQueue q = new FairQueue();
        for (int i = 0; i < 5; i++) q.add(from("flood", i));
        q.add(from("quiet", 100));
        q.add(from("other", 200));
        List<String> order = new ArrayList<>();
        assertEquals(7, q.size());
        while (!q.isEmpty()) {
            ScheduledSequence s = q.poll();
            order.add(s.caller + s.prompt[0]);
        }
        assertEquals(List.of("flood0", "quiet100", "other200", "flood1", "flood2", "flood3", "flood4"), order);
        assertNull(q.peek());
    }

    @Test
    void peekIsWhatPollTakesAndDrainEmptiesIt() {
        FairQueue q = new FairQueue();
        q.add(from("a", 1));
        q.add(from("b", 2));
        q.add(from("a", 3));
        assertEquals(1, q.peek().prompt[0]);
        q.poll();
        assertEquals(2, q.peek().prompt[0], "b's turn after a was served");
        assertEquals(2, q.drain().size());
        assertTrue(q.isEmpty());
    }
}
