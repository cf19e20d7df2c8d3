package io.hearth.cuda;

/**
 * The forward pass's kernels on device memory, each run to completion. Shapes are checked here, where a mistake
 * can still be a clear exception rather than a kernel reading past its buffer.
 */
public final class CudaKernels {
    private static final int Q8_0_BLOCK = 32, Q8_0_BLOCK_BYTES = 34;

    private CudaKernels() {
    }

    /** {@code out[r] = x[r] / sqrt(mean(x[r]²) + eps) · weight} for {@code rows} rows of {@code n} floats. */
    public static void rmsnorm(CudaMemory out, CudaMemory x, CudaMemory weight, int rows, int n, float eps) {
        long floats = (long) rows * n * Float.BYTES;
        require(x.bytes() >= floats && out.bytes() >= floats && weight.bytes() >= (long) n * Float.BYTES, "rmsnorm: buffers smaller than " + rows + "×" + n);
        sameDevice(out, x, weight);
        CudaDevices.library().rmsnorm(out.device(), out.pointer(), x.pointer(), weight.pointer(), rows, n, eps);
    }

    /** {@code out[r] = W[r] · x} for Q8_0 weights of {@code rows × cols} (GGUF's block layout) and {@code cols} floats of x. */
    public static void gemvQ8_0(CudaMemory out, CudaMemory weights, CudaMemory x, int rows, int cols) {
        require(cols % Q8_0_BLOCK == 0, "gemv_q8_0: cols must be a multiple of 32, got " + cols);
        require(weights.bytes() >= (long) rows * (cols / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES, "gemv_q8_0: weights smaller than " + rows + "×" + cols);
        require(x.bytes() >= (long) cols * Float.BYTES && out.bytes() >= (long) rows * Float.BYTES, "gemv_q8_0: x or out too small");
        sameDevice(out, weights, x);
        CudaDevices.library().gemvQ8_0(out.device(), out.pointer(), weights.pointer(), x.pointer(), rows, cols);
    }

    /** {@code out[r] = W[r] · x} for F16 weights of {@code rows × cols} (cols even) and {@code cols} floats of x. */
    public static void gemvF16(CudaMemory out, CudaMemory weights, CudaMemory x, int rows, int cols) {
        require(cols % 2 == 0, "gemv_f16: cols must be even, got " + cols);
        require(weights.bytes() >= (long) rows * cols * 2, "gemv_f16: weights smaller than " + rows + "×" + cols);
        require(x.bytes() >= (long) cols * Float.BYTES && out.bytes() >= (long) rows * Float.BYTES, "gemv_f16: x or out too small");
        sameDevice(out, weights, x);
        CudaDevices.library().gemvF16(out.device(), out.pointer(), weights.pointer(), x.pointer(), rows, cols);
    }

    /** {@code gate[i] = silu(gate[i]) · up[i]} for {@code n} floats, in place: the FFN's SwiGLU. */
    public static void swiglu(CudaMemory gate, CudaMemory up, long n) {
        require(gate.bytes() >= n * Float.BYTES && up.bytes() >= n * Float.BYTES, "swiglu: buffers smaller than " + n + " floats");
        sameDevice(gate, up);
        CudaDevices.library().swiglu(gate.device(), gate.pointer(), up.pointer(), n);
    }

    private static void sameDevice(CudaMemory first, CudaMemory... others) {
        for (CudaMemory m : others) require(m.device() == first.device(), "buffers on devices " + first.device() + " and " + m.device());
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
