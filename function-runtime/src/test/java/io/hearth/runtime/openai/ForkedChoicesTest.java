package io.hearth.runtime.openai;

import io.hearth.engine.generate.TokenListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForkedChoicesTest {
    @Test
    void theOtherChoicesStartOnceTheFirstHasItsFirstTokenAndRunTogether() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch othersRunning = new CountDownLatch(2);
        List<Integer> results = ForkedChoices.run(3, (index, listener) -> {
            order.add("start " + index);
            if (index == 0) {
                try {
                    Thread.sleep(100); // a fork that did not wait for the first token would start meanwhile
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertEquals(List.of("start 0"), List.copyOf(order), "no fork starts before the first choice's first token");
                listener.onToken(5, "a"); // the prompt is computed: the others may go
                try {
                    // the first is still generating while the others run beside it
                    assertTrue(othersRunning.await(10, TimeUnit.SECONDS), "the forks ran while the first was still generating");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                othersRunning.countDown();
            }
            return index * 10;
        }, index -> TokenListener.NONE);
        assertEquals(List.of(0, 10, 20), results, "in index order");
        assertEquals("start 0", order.getFirst(), "the first choice computes the prompt alone");
    }

    @Test
    void aFailedFirstChoiceCancelsTheOthersBeforeTheyRun() {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> ForkedChoices.run(4, (index, listener) -> {
            ran.incrementAndGet();
            if (index == 0) throw new IllegalStateException("replica gone");
            return index;
        }, index -> TokenListener.NONE));
        assertEquals("replica gone", failure.getMessage());
        assertEquals(1, ran.get(), "nothing ran after the first failed before its first token");
    }
}
