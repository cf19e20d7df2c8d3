package io.hearth.pool;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings a mapped model's weights into memory before the replica takes traffic, so the first request does not pay
 * page faults one 4 KiB page at a time. Several threads populate separate chunks at once ({@link PageCache#populate}):
 * a disk delivers more with several requests in flight, and from the page cache mapping runs on every thread.
 */
final class WeightLoader {
    /** Big enough for sequential reads, small enough that progress moves often. */
    static final long CHUNK = 32L << 20;

    private WeightLoader() {
    }

    static void read(MemorySegment weights, int threads, LoadProgress progress) {
        long total = weights.byteSize();
        AtomicLong done = new AtomicLong();
        int[] lastPercent = {-1};
        try (ExecutorService readers = Executors.newFixedThreadPool(Math.max(1, threads),
                r -> Thread.ofPlatform().daemon().name("hearth-weight-reader").unstarted(r))) {
            List<Future<?>> chunks = new ArrayList<>();
            for (long offset = 0; offset < total; offset += CHUNK) {
                MemorySegment chunk = weights.asSlice(offset, Math.min(CHUNK, total - offset));
                chunks.add(readers.submit(() -> {
                    PageCache.populate(chunk);
                    int percent = (int) (100 * done.addAndGet(chunk.byteSize()) / total);
                    synchronized (lastPercent) {
                        if (percent > lastPercent[0]) {
                            lastPercent[0] = percent;
                            progress.loading(percent);
                        }
                    }
                }));
            }
            for (Future<?> chunk : chunks) chunk.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the weights failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the weights");
        }
    }
}
