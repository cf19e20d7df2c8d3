package io.hearth.engine.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Measures this machine's memory read bandwidth with the engine's own threads: the physical limit of decode
 * (each generated token reads every weight once), stated next to every generation figure.
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final long BUFFER_BYTES = 512L << 20;

    private MemoryBandwidth() {
    }

    /** Best of several full reads of a 512 MiB buffer (far beyond any cache), in GB/s (10^9 bytes). */
    public static double measureGBps(WorkerPool pool) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(BUFFER_BYTES, 64);
            buffer.fill((byte) 1);
            int chunks = 1024;
            long chunkBytes = BUFFER_BYTES / chunks;
            double best = 0;
            DoubleAdder sink = new DoubleAdder(); // each chunk's sum goes here, so its reads cannot be dropped
            for (int pass = 0; pass < 5; pass++) {
                long start = System.nanoTime();
                pool.parallelFor(chunks, 1, (from, to) -> {
                    FloatVector acc = FloatVector.zero(F);
                    for (long at = from * chunkBytes; at < to * chunkBytes; at += F.vectorByteSize()) {
                        acc = acc.add(FloatVector.fromMemorySegment(F, buffer, at, ByteOrder.nativeOrder()));
                    }
                    sink.add(acc.reduceLanes(VectorOperators.ADD));
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, BUFFER_BYTES / seconds / 1e9);
            }
            return best;
        }
    }
}
