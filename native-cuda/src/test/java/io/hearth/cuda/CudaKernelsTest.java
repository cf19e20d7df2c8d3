package io.hearth.cuda;

import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The kernels against the CPU engine, on a GPU (skipped where there is none, saying why): Q8_0 and F16
 * matrix-vector products agree with the engine's dot products within 1e-4 relative (float sums in another order),
 * RMSNorm and SwiGLU with their definitions within 1e-5; device memory is counted while held and given back on close.
 */
class CudaKernelsTest {
    private static final int ROWS = 256, COLS = 2048;

    @BeforeEach
    void needsADevice() {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(found.devices().isEmpty(), "no CUDA device here: " + found.unavailable());
    }

    private static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    private static CudaMemory upload(Arena arena, float[] values) {
        MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
        CudaMemory device = CudaMemory.allocate(0, host.byteSize());
        device.copyFrom(host);
        return device;
    }

    private static float[] download(Arena arena, CudaMemory device, int floats) {
        MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, floats);
        device.copyTo(host);
        return host.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Test
    void q8_0MatrixVectorProductAgreesWithTheCpuEngine() {
        matrixVectorProductAgreesWithTheCpuEngine(GgmlType.Q8_0, (ROWS * (COLS / 32)) * 34L, CudaKernels::gemvQ8_0);
    }

    @Test
    void f16MatrixVectorProductAgreesWithTheCpuEngine() {
        matrixVectorProductAgreesWithTheCpuEngine(GgmlType.F16, (long) ROWS * COLS * 2, CudaKernels::gemvF16);
    }

    @FunctionalInterface
    private interface Gemv {
        void run(CudaMemory out, CudaMemory weights, CudaMemory x, int rows, int cols);
    }

    private static void matrixVectorProductAgreesWithTheCpuEngine(GgmlType type, long bytes, Gemv gemv) {
        float[] w = random(ROWS * COLS, 1), x = random(COLS, 2);
        ByteBuffer quantized = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < ROWS; r++) Quantizer.quantize(type, w, r * COLS, COLS, quantized);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment weightsHost = arena.allocate(quantized.capacity());
            weightsHost.copyFrom(MemorySegment.ofArray(quantized.array()));
            FloatTensor cpu = FloatTensor.of(type, weightsHost, COLS, ROWS);
            try (CudaMemory weights = CudaMemory.allocate(0, weightsHost.byteSize()); CudaMemory xs = upload(arena, x);
                 CudaMemory out = CudaMemory.allocate(0, (long) ROWS * Float.BYTES)) {
                weights.copyFrom(weightsHost);
                gemv.run(out, weights, xs, ROWS, COLS);
                float[] gpu = download(arena, out, ROWS);
                for (int r = 0; r < ROWS; r++) {
                    float expected = cpu.dot(r, x, 0);
                    assertEquals(expected, gpu[r], 1e-4f * Math.max(1, Math.abs(expected)), "row " + r);
                }
            }
        }
    }

    @Test
    void rmsNormMatchesItsDefinition() {
        int rows = 3, n = 4096;
        float[] x = random(rows * n, 3), weight = random(n, 4);
        try (Arena arena = Arena.ofConfined(); CudaMemory xs = upload(arena, x); CudaMemory ws = upload(arena, weight);
             CudaMemory out = CudaMemory.allocate(0, (long) rows * n * Float.BYTES)) {
            CudaKernels.rmsnorm(out, xs, ws, rows, n, 1e-5f);
            float[] gpu = download(arena, out, rows * n);
            for (int r = 0; r < rows; r++) {
                double squares = 0;
                for (int i = 0; i < n; i++) squares += (double) x[r * n + i] * x[r * n + i];
                double scale = 1 / Math.sqrt(squares / n + 1e-5);
                for (int i = 0; i < n; i++) assertEquals(x[r * n + i] * scale * weight[i], gpu[r * n + i], 1e-5 * Math.max(1, Math.abs(x[r * n + i] * scale * weight[i])));
            }
        }
    }

    @Test
    void swigluMatchesItsDefinition() {
        int n = 5632 * 3;
        float[] gate = random(n, 5), up = random(n, 6);
        try (Arena arena = Arena.ofConfined(); CudaMemory g = upload(arena, gate); CudaMemory u = upload(arena, up)) {
            CudaKernels.swiglu(g, u, n);
            float[] gpu = download(arena, g, n);
            for (int i = 0; i < n; i++) {
                double expected = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                assertEquals(expected, gpu[i], 1e-5 * Math.max(1, Math.abs(expected)), "element " + i);
            }
        }
    }

    @Test
    void deviceMemoryIsCountedWhileHeldAndGivenBack() {
        long before = CudaMemory.allocatedBytes(0);
        CudaMemory block = CudaMemory.allocate(0, 64L << 20);
        assertEquals(before + (64L << 20), CudaMemory.allocatedBytes(0));
        block.close();
        block.close();
        assertEquals(before, CudaMemory.allocatedBytes(0), "freed once, counted once");
        CudaException tooMuch = assertThrows(CudaException.class, () -> CudaMemory.allocate(0, Long.MAX_VALUE / 2));
        assertTrue(tooMuch.getMessage().contains("cudaMalloc"), tooMuch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaKernels.gemvQ8_0(block, block, block, 1, 33), "shapes are checked before a launch");
    }
}
