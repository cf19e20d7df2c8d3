package io.hearth.engine.compute;

import io.hearth.cpu.CpuKernels;
import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C kernels against Java oracles: activations quantized as llama.cpp does, then every output as the integer dot
 * products of its blocks; token counts 1 to 40, odd row counts, rows shared among threads. The build runs this class a
 * second time with {@code -Dhearth.engine.isa=avx2}, so an AVX-512 machine checks the AVX2 kernels too.
 */
class NativeProductsTest {
    private static final CpuKernels KERNELS = CpuKernels.get();

    @BeforeAll
    static void kernelsPresent() {
        assumeTrue(KERNELS.available(), "no CPU kernels here (" + KERNELS.unavailableReason() + "): the Java path is all there is");
        if ("avx2".equals(System.getProperty("hearth.engine.isa"))) assertEquals(CpuKernels.Isa.AVX2, KERNELS.isa(), "the AVX2 copy was forced");
        System.out.println("[native] kernels on " + KERNELS.isa());
    }

    @Test
    void activationsAreQuantizedAsLlamaCppQuantizesThem() {
        Random random = new Random(1);
        float[] x = gaussian(random, 32 * 40);
        x[5] = 0; // a block of zeros keeps a zero scale
        java.util.Arrays.fill(x, 64, 96, 0f);
        byte[] native_ = new byte[40 * CpuKernels.ACTIVATION_BLOCK_BYTES];
        KERNELS.quantize(x, 0, x.length, native_, 0);
        ByteBuffer got = ByteBuffer.wrap(native_).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < 40; b++) {
            Block expected = Block.of(x, b * 32);
            assertEquals(expected.d, got.getFloat(b * 36), 0f, "scale of block " + b);
            for (int i = 0; i < 32; i++) assertEquals(expected.q[i], native_[b * 36 + 4 + i], "block " + b + " value " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0"})
    void everyOutputIsTheIntegerDotOfItsBlocks(GgmlType type) {
        Random random = new Random(type.ordinal());
        for (int cols : new int[]{32, 256, 2048}) {
            for (int rows : new int[]{1, 7, 33, 301}) {
                float[] weights = gaussian(random, rows * cols);
                ByteBuffer bytes = ByteBuffer.allocate((int) type.bytesFor((long) rows * cols)).order(ByteOrder.LITTLE_ENDIAN);
                for (int r = 0; r < rows; r++) Quantizer.quantize(type, weights, r * cols, cols, bytes);
                FloatTensor w = FloatTensor.of(type, MemorySegment.ofArray(bytes.array()), cols, rows);
                try (WorkerPool pool = new WorkerPool(2)) {
                    for (int tokens = 1; tokens <= 40; tokens += (cols == 2048 ? 13 : 1)) {
                        float[] x = gaussian(random, tokens * cols);
                        float[] out = new float[tokens * rows];
                        NativeProducts.matmul(pool, w, x, tokens, out, 1024);
                        for (int t = 0; t < tokens; t++) {
                            for (int r = 0; r < rows; r++) {
                                double[] expected = oracle(w, r, x, t * cols, cols);
                                String where = type + " " + rows + "x" + cols + ", " + tokens + " tokens, token " + t + " row " + r;
                                // float sums in another order than the oracle's doubles: off by rounding of the terms' magnitude
                                assertEquals(expected[0], out[t * rows + r], 1e-5 * expected[1] + 1e-6, where);
                                // and the float product within what rounding the activations to bytes can change
                                assertEquals(w.scalarDot(r, x, t * cols), out[t * rows + r], roundingBound(w, r, x, t * cols, cols), where);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theKernelsTakeEveryQ8_0AndQ4_0ProductAndNoOther() {
        FloatTensor q8 = FloatTensor.of(GgmlType.Q8_0, MemorySegment.ofArray(new byte[34 * 4 * 64]), 128, 64);
        FloatTensor q4 = FloatTensor.of(GgmlType.Q4_0, MemorySegment.ofArray(new byte[18 * 8 * 256]), 256, 256);
        FloatTensor f32 = FloatTensor.of(GgmlType.F32, MemorySegment.ofArray(new byte[4 * 256 * 256]), 256, 256);
        assertTrue(NativeProducts.handles(q8) && NativeProducts.handles(q4) && !NativeProducts.handles(f32));
    }

    /**
     * Σ over blocks of (weight scale · activation scale) · Σ q_w · q_x, the activations quantized as in {@link Block};
     * and the sum of the products' magnitudes (what float rounding of partial sums is relative to).
     */
    private static double[] oracle(FloatTensor w, int row, float[] x, int offset, int cols) {
        double sum = 0, magnitude = 0;
        for (int b = 0; b < cols / 32; b++) {
            Block a = Block.of(x, offset + b * 32);
            // the weight's own scale and integers: its dequantized values over the scale
            float[] values = new float[32];
            for (int i = 0; i < 32; i++) values[i] = w.getFloat((long) row * cols + b * 32 + i);
            float scale = weightScale(w, row, b, cols);
            long dot = 0, absolute = 0;
            for (int i = 0; i < 32; i++) {
                long product = Math.round(scale == 0 ? 0 : values[i] / scale) * (long) a.q[i];
                dot += product;
                absolute += Math.abs(product);
            }
            sum += (double) (scale * a.d) * dot;
            magnitude += Math.abs((double) (scale * a.d)) * absolute;
        }
        return new double[]{sum, magnitude};
    }

    /** Each activation moves by at most half its block's step (max|x| / 254), times the weights it meets. */
    private static double roundingBound(FloatTensor w, int row, float[] x, int offset, int cols) {
        double bound = 1e-4;
        for (int b = 0; b < cols / 32; b++) {
            double max = 0, weights = 0;
            for (int i = 0; i < 32; i++) {
                max = Math.max(max, Math.abs(x[offset + b * 32 + i]));
                weights += Math.abs(w.getFloat((long) row * cols + b * 32 + i));
            }
            bound += weights * max / 254 * 1.01;
        }
        return bound;
    }

    private static float weightScale(FloatTensor w, int row, int block, int cols) {
        long bytesPerBlock = w.type() == GgmlType.Q8_0 ? 34 : 18;
        long at = w.type().bytesFor((long) row * cols) + block * bytesPerBlock;
        return Float.float16ToFloat(w.data().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at));
    }

    /** An activation block as llama.cpp's quantize_row_q8_0 makes it: d = max|x|/127 stored as f16, q = round(x / d). */
    private record Block(float d, byte[] q) {
        static Block of(float[] x, int offset) {
            float max = 0;
            for (int i = 0; i < 32; i++) max = Math.max(max, Math.abs(x[offset + i]));
            float exact = max / 127f;
            float id = max != 0 ? 127f / max : 0f;
            byte[] q = new byte[32];
            for (int i = 0; i < 32; i++) q[i] = (byte) Math.rint(x[offset + i] * id);
            return new Block(Float.float16ToFloat(Float.floatToFloat16(exact)), q);
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
