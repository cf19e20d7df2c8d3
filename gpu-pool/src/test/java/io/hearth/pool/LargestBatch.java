package io.hearth.pool;

import java.util.concurrent.atomic.AtomicInteger;

/** Pool events that remember the largest batch a step ran: whether concurrent sequences shared forward steps. */
final class LargestBatch implements PoolEvents {
    private final AtomicInteger largest = new AtomicInteger();

    @Override
    public void step(String model, int batchSize, int generatedTokens) {
        largest.accumulateAndGet(batchSize, Math::max);
    }

    int get() {
        return largest.get();
    }
}
