package io.hearth.engine.compute;

import io.hearth.cpu.CpuKernels;
import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;

/**
 * Products of Q8_0 and Q4_0 weights on the C kernels ({@link CpuKernels}), the way llama.cpp computes them: the
 * activations quantized once per product to int8 blocks shared by every row, then integer dot products. The Java
 * Vector path widens every weight to a float instead (it has no byte multiply-add), and stays as the fallback and the
 * oracle the kernels are tested against.
 */
final class NativeProducts {
    private static final CpuKernels KERNELS = CpuKernels.get();
    private static final ThreadLocal<byte[]> ACTIVATIONS = ThreadLocal.withInitial(() -> new byte[0]);
    /**
     * Byte multiply-adds one call may do: about 100 µs at this project's 30–60 G per core. A call is critical (no
     * safepoint until it returns), so a long one would hold up every other thread's GC pause; longer work is split.
     */
    static final long MAX_WORK_PER_CALL = 4_000_000;

    private NativeProducts() {
    }

    /**
     * Whether {@code w}'s products run here: its type has a kernel and its rows are whole blocks. Small matrices too
     * (a call costs well under a microsecond): every product of a model rounds its activations alike, as llama.cpp's do.
     */
    static boolean handles(FloatTensor w) {
        return KERNELS.available() && (w.type() == GgmlType.Q8_0 || w.type() == GgmlType.Q4_0) && w.columns() % CpuKernels.BLOCK == 0;
    }

    /** {@code out[t·rows + r] = W[r] · x[t·cols ..]}, the rows shared among the pool's threads. */
    static void matmul(WorkerPool pool, FloatTensor w, float[] x, int tokens, float[] out, int minWorkPerThread) {
        int rows = Math.toIntExact(w.rows()), cols = w.columns();
        long blockBytes = (long) (cols / CpuKernels.BLOCK) * CpuKernels.ACTIVATION_BLOCK_BYTES;
        byte[] quantized = ACTIVATIONS.get();
        if (quantized.length < tokens * blockBytes) {
            quantized = new byte[Math.toIntExact(tokens * blockBytes)];
            ACTIVATIONS.set(quantized);
        }
        byte[] activations = quantized;
        KERNELS.quantize(x, 0, (long) tokens * cols, activations, 0);
        long rowBytes = w.type().bytesFor(cols);
        int grain = Math.max(1, minWorkPerThread / Math.max(1, cols * tokens));
        boolean q8 = w.type() == GgmlType.Q8_0;
        int rowsPerCall = (int) Math.max(1, MAX_WORK_PER_CALL / ((long) cols * tokens));
        pool.parallelFor(rows, grain, (start, end) -> {
            for (int from = start; from < end; from += rowsPerCall) {
                int to = Math.min(end, from + rowsPerCall);
                if (q8) KERNELS.rowsQ8_0(w.data(), rowBytes, from, to, cols, activations, tokens, out, rows);
                else KERNELS.rowsQ4_0(w.data(), rowBytes, from, to, cols, activations, tokens, out, rows);
            }
        });
    }
}
