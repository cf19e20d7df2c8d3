package io.hearth.cuda;

import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The kernels against the CPU engine, on a GPU (skipped where there is none, saying why): F16, BF16, Q8_0 and Q4_0
 * products agree with the engine's dot products within 1e-4 relative (float sums in another order); RMSNorm, SwiGLU,
 * RoPE and attention over paged slots with their definitions within 1e-5; device memory is counted while held and given back on close.
 */
class CudaKernelsTest {
    private static final int ROWS = 256, COLS = 2048;

    private CudaStream stream;

    @BeforeEach
    void needsADevice() {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(found.devices().isEmpty(), "no CUDA device here: " + found.unavailable());
        stream = CudaStream.create(0);
    }

    @AfterEach
    void closeStream() {
        if (stream != null) stream.close();
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

    /** Waits for the kernels queued on the test's stream, then reads their output. */
    private float[] download(Arena arena, CudaMemory device, int floats) {
        stream.synchronize();
        MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, floats);
        device.copyTo(host);
        return host.toArray(ValueLayout.JAVA_FLOAT);
    }

    /**
     * Each type's product for 1 token, 3 tokens (the warp-per-row kernel, fp32: the engine's dot product within 1e-4
     * relative) and 40 tokens (tensor cores with fp16 inputs: within 1e-3 of Σ|w·x|, twice fp16's rounding of each input).
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void matrixProductAgreesWithTheCpuEngine(GgmlType type) {
        for (int tokens : new int[]{1, 3, 40}) {
            float[] w = random(ROWS * COLS, 1), x = random(tokens * COLS, 2);
            try (Arena arena = Arena.ofConfined()) {
                FloatTensor cpu = FloatTensor.of(type, quantized(arena, type, w), COLS, ROWS);
                try (CudaMemory weights = CudaMemory.allocate(0, cpu.byteSize()); CudaMemory xs = upload(arena, x);
                     CudaMemory out = CudaMemory.allocate(0, (long) tokens * ROWS * Float.BYTES)) {
                    weights.copyFrom(cpu.data());
                    CudaKernels.matmul(stream, type, out, weights, xs, tokens, ROWS, COLS);
                    float[] gpu = download(arena, out, tokens * ROWS);
                    float[] row = new float[COLS];
                    for (int t = 0; t < tokens; t++) {
                        for (int r = 0; r < ROWS; r++) {
                            float expected = cpu.dot(r, x, t * COLS);
                            double tolerance = 1e-4 * Math.max(1, Math.abs(expected));
                            if (tokens >= 16) {
                                cpu.dequantizeRow(r, row, 0);
                                double magnitude = 0;
                                for (int c = 0; c < COLS; c++) magnitude += Math.abs(row[c] * x[t * COLS + c]);
                                tolerance = 1e-3 * magnitude;
                            }
                            assertEquals(expected, gpu[t * ROWS + r], tolerance, type + ", " + tokens + " tokens: token " + t + " row " + r);
                        }
                    }
                }
            }
        }
    }

    /** {@code values} as rows of {@code type}, GGUF's layout, in native memory. */
    private static MemorySegment quantized(Arena arena, GgmlType type, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(type.bytesFor((long) ROWS * COLS))).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < ROWS; r++) Quantizer.quantize(type, values, r * COLS, COLS, bytes);
        MemorySegment segment = arena.allocate(bytes.capacity());
        segment.copyFrom(MemorySegment.ofArray(bytes.array()));
        return segment;
    }

    /** Rows picked by token id, dequantized: exactly the engine's rows. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void embeddingLookupDequantizesTheTokensRows(GgmlType type) {
        int[] ids = {5, 0, 255, 5};
        try (Arena arena = Arena.ofConfined()) {
            FloatTensor cpu = FloatTensor.of(type, quantized(arena, type, random(ROWS * COLS, 11)), COLS, ROWS);
            try (CudaMemory table = CudaMemory.allocate(0, cpu.byteSize()); CudaMemory tokenIds = uploadInts(arena, ids);
                 CudaMemory out = CudaMemory.allocate(0, (long) ids.length * COLS * Float.BYTES)) {
                table.copyFrom(cpu.data());
                CudaKernels.embed(stream, type, out, table, tokenIds, ids.length, COLS, ROWS);
                float[] gpu = download(arena, out, ids.length * COLS);
                float[] expected = new float[COLS];
                for (int t = 0; t < ids.length; t++) {
                    cpu.dequantizeRow(ids[t], expected, 0);
                    assertArrayEquals(expected, java.util.Arrays.copyOfRange(gpu, t * COLS, (t + 1) * COLS), type + " token " + t);
                }
            }
        }
    }

    /** Both pair layouts, against the rotation written out here, within 1e-5. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void ropeRotatesEveryHeadByItsTokensAngles(boolean adjacentPairs) {
        int tokens = 2, heads = 4, headDim = 64, half = headDim / 2;
        float[] x = random(tokens * heads * headDim, 7), cos = new float[tokens * half], sin = new float[tokens * half];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < half; i++) {
                double angle = (t + 5) * Math.pow(10000, -2.0 * i / headDim);
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
        try (Arena arena = Arena.ofConfined(); CudaMemory xs = upload(arena, x); CudaMemory c = upload(arena, cos);
             CudaMemory s = upload(arena, sin)) {
            CudaKernels.rope(stream, xs, tokens, heads, headDim, headDim, c, s, adjacentPairs);
            float[] gpu = download(arena, xs, x.length);
            for (int t = 0; t < tokens; t++) {
                for (int h = 0; h < heads; h++) {
                    int base = (t * heads + h) * headDim;
                    for (int i = 0; i < half; i++) {
                        int a = adjacentPairs ? base + 2 * i : base + i, b = adjacentPairs ? a + 1 : a + half;
                        float co = cos[t * half + i], si = sin[t * half + i];
                        assertEquals(x[a] * co - x[b] * si, gpu[a], 1e-5f, "token " + t + " head " + h + " pair " + i);
                        assertEquals(x[a] * si + x[b] * co, gpu[b], 1e-5f, "token " + t + " head " + h + " pair " + i);
                    }
                }
            }
        }
    }

    /**
     * Two sequences in scattered slots, stored through kv_store, then attended: a decode token at position 5 of one,
     * and the last prompt token at position 2 of the other, with 8 heads over 2 kv heads (GQA); against softmax
     * attention written out here, within 1e-5.
     */
    @Test
    void attentionOverPagedSlotsMatchesItsDefinition() {
        int heads = 8, kvHeads = 2, headDim = 32, kvDim = kvHeads * headDim, slots = 64;
        int[][] slotsOf = {{40, 41, 42, 43, 17, 18}, {3, 9, 60}};
        float[] keys = random(slots * kvDim, 8), values = random(slots * kvDim, 9), q = random(2 * heads * headDim, 10);
        int[] offsets = {0, slotsOf[0].length}, lengths = {slotsOf[0].length, slotsOf[1].length};
        int[] table = java.util.stream.IntStream.concat(java.util.Arrays.stream(slotsOf[0]), java.util.Arrays.stream(slotsOf[1])).toArray();
        try (Arena arena = Arena.ofConfined();
             CudaMemory cacheK = CudaMemory.allocate(0, (long) slots * kvDim * Float.BYTES);
             CudaMemory cacheV = CudaMemory.allocate(0, (long) slots * kvDim * Float.BYTES);
             CudaMemory k = upload(arena, keys); CudaMemory v = upload(arena, values);
             CudaMemory everySlot = uploadInts(arena, java.util.stream.IntStream.range(0, slots).toArray());
             CudaMemory qs = upload(arena, q); CudaMemory out = CudaMemory.allocate(0, (long) q.length * Float.BYTES);
             CudaMemory slotTable = uploadInts(arena, table); CudaMemory offs = uploadInts(arena, offsets);
             CudaMemory lens = uploadInts(arena, lengths); CudaMemory scratch = CudaMemory.allocate(0, 2L * heads * 8 * Float.BYTES)) {
            CudaKernels.kvStore(stream, cacheK, cacheV, k, v, everySlot, slots, kvDim);
            CudaKernels.attention(stream, out, qs, cacheK, cacheV, slotTable, offs, lens, 2, heads, kvHeads, headDim, scratch, 8);
            float[] gpu = download(arena, out, q.length);
            for (int t = 0; t < 2; t++) {
                for (int h = 0; h < heads; h++) {
                    int kvOffset = (h / (heads / kvHeads)) * headDim, qo = (t * heads + h) * headDim;
                    double[] weights = new double[lengths[t]];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int p = 0; p < lengths[t]; p++) {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++) dot += keys[slotsOf[t][p] * kvDim + kvOffset + d] * q[qo + d];
                        weights[p] = dot / Math.sqrt(headDim);
                        max = Math.max(max, weights[p]);
                    }
                    for (int p = 0; p < lengths[t]; p++) sum += weights[p] = Math.exp(weights[p] - max);
                    for (int d = 0; d < headDim; d++) {
                        double expected = 0;
                        for (int p = 0; p < lengths[t]; p++) expected += weights[p] / sum * values[slotsOf[t][p] * kvDim + kvOffset + d];
                        assertEquals(expected, gpu[qo + d], 1e-5 * Math.max(1, Math.abs(expected)), "token " + t + " head " + h + " dim " + d);
                    }
                }
            }
        }
    }

    private static CudaMemory uploadInts(Arena arena, int[] values) {
        MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_INT, values);
        CudaMemory device = CudaMemory.allocate(0, host.byteSize());
        device.copyFrom(host);
        return device;
    }

    @Test
    void rmsNormMatchesItsDefinition() {
        int rows = 3, n = 4096;
        float[] x = random(rows * n, 3), weight = random(n, 4);
        try (Arena arena = Arena.ofConfined(); CudaMemory xs = upload(arena, x); CudaMemory ws = upload(arena, weight);
             CudaMemory out = CudaMemory.allocate(0, (long) rows * n * Float.BYTES)) {
            CudaKernels.rmsnorm(stream, out, xs, ws, rows, n, 1e-5f);
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
            CudaKernels.swiglu(stream, g, u, n);
            float[] gpu = download(arena, g, n);
            for (int i = 0; i < n; i++) {
                double expected = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                assertEquals(expected, gpu[i], 1e-5 * Math.max(1, Math.abs(expected)), "element " + i);
            }
        }
    }

    @Test
    void addsResidualsAndBiasRows() {
        int rows = 3, n = 1000;
        float[] x = random(rows * n, 12), y = random(rows * n, 13), bias = random(n, 14);
        try (Arena arena = Arena.ofConfined(); CudaMemory xs = upload(arena, x); CudaMemory ys = upload(arena, y); CudaMemory bs = upload(arena, bias)) {
            CudaKernels.add(stream, xs, ys, (long) rows * n, (long) rows * n);
            CudaKernels.add(stream, xs, bs, (long) rows * n, n);
            float[] gpu = download(arena, xs, rows * n);
            for (int i = 0; i < rows * n; i++) assertEquals(x[i] + y[i] + bias[i % n], gpu[i], 1e-6f, "element " + i);
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
        assertThrows(IllegalArgumentException.class, () -> CudaKernels.matmul(stream, GgmlType.Q8_0, block, block, block, 1, 1, 33),
                "shapes are checked before a launch");
    }
}
