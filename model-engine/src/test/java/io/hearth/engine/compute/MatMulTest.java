package io.hearth.engine.compute;

import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The batched product against one scalar dot product per output, for token counts on both sides of the tiled path
 * and around its vector widths, and row counts that leave a short last tile: the Java path, for the types the C
 * kernels leave to it, and for every type in the build's java-path execution.
 */
class MatMulTest {
    private static final int COLUMNS = 768;
    private static final int[] TOKEN_COUNTS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 31, 40};

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyOutputIsItsRowDotItsToken(GgmlType type) {
        int rows = 23;
        Random random = new Random(type.ordinal());
        float[] weights = gaussian(random, rows * COLUMNS);
        ByteBuffer bytes = ByteBuffer.allocate((int) type.bytesFor((long) rows * COLUMNS)).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) Quantizer.quantize(type, weights, r * COLUMNS, COLUMNS, bytes);
        FloatTensor w = FloatTensor.of(type, MemorySegment.ofArray(bytes.array()), COLUMNS, rows);
        assumeFalse(NativeProducts.handles(w), type + " runs on the C kernels here (NativeProductsTest); the build's java-path execution runs this");
        try (WorkerPool pool = new WorkerPool(2)) {
            for (int tokens : TOKEN_COUNTS) {
                float[] x = gaussian(random, tokens * COLUMNS);
                float[] out = new float[tokens * rows];
                MatMul.matmul(pool, w, x, tokens, out);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) {
                        float expected = w.scalarDot(r, x, t * COLUMNS);
                        assertEquals(expected, out[t * rows + r], 1e-4 * Math.max(1, Math.abs(expected)),
                                type + ": " + tokens + " tokens, token " + t + " row " + r);
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
