package io.hearth.engine.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each type's vectorised dot product and row dequantization against its scalar reference. */
class TensorKernelTest {
    private static final int COLUMNS = 512, ROWS = 7;

    private static FloatTensor randomTensor(GgmlType type, float[] source) {
        ByteBuffer bytes = ByteBuffer.allocate((int) type.bytesFor((long) COLUMNS * ROWS)).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < ROWS; r++) Quantizer.quantize(type, source, r * COLUMNS, COLUMNS, bytes);
        return FloatTensor.of(type, MemorySegment.ofArray(bytes.array()), COLUMNS, ROWS);
    }

    private static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void vectorDotMatchesScalarReference(GgmlType type) {
        FloatTensor tensor = randomTensor(type, gaussian(COLUMNS * ROWS, 1));
        float[] x = gaussian(COLUMNS + 3, 2);
        for (int row = 0; row < ROWS; row++) {
            float expected = tensor.scalarDot(row, x, 3);
            float actual = tensor.dot(row, x, 3);
            assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), type + " row " + row);
        }
    }

    /** Several tokens through one row (blocks unpacked once for up to four of them) give each token's own dot. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void dotsOfSeveralTokensMatchScalarReference(GgmlType type) {
        FloatTensor tensor = randomTensor(type, gaussian(COLUMNS * ROWS, 5));
        for (int tokens = 1; tokens <= 9; tokens++) {
            float[] x = gaussian(COLUMNS * tokens, 6 + tokens);
            float[] out = new float[tokens * ROWS + 2];
            for (int row = 0; row < ROWS; row++) tensor.dots(row, x, tokens, out, row + 2, ROWS);
            for (int t = 0; t < tokens; t++) {
                for (int row = 0; row < ROWS; row++) {
                    float expected = tensor.scalarDot(row, x, t * COLUMNS);
                    assertEquals(expected, out[t * ROWS + row + 2], 1e-4 * Math.max(1, Math.abs(expected)),
                            type + ": " + tokens + " tokens, token " + t + " row " + row);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void dequantizeRowMatchesGetFloat(GgmlType type) {
        FloatTensor tensor = randomTensor(type, gaussian(COLUMNS * ROWS, 3));
        float[] row = new float[COLUMNS + 5];
        for (int r = 0; r < ROWS; r++) {
            tensor.dequantizeRow(r, row, 5);
            for (int c = 0; c < COLUMNS; c++) assertEquals(tensor.getFloat((long) r * COLUMNS + c), row[5 + c], 0f, type + " [" + r + "," + c + "]");
        }
    }

    /** Quantize then decode stays within the type's resolution, so quantizer and decoder agree on the layout. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void quantizationRoundTripIsWithinResolution(GgmlType type) {
        float[] source = gaussian(COLUMNS * ROWS, 4);
        FloatTensor tensor = randomTensor(type, source);
        double bound = switch (type) {
            case F32 -> 0;
            case F16 -> 2e-3;
            case BF16 -> 2e-2;
            case Q8_0 -> 0.03;
            case Q6_K -> 0.12;
            case Q4_0, Q4_K -> 0.6;
        };
        double sumSquares = 0;
        for (int i = 0; i < source.length; i++) {
            double error = Math.abs(tensor.getFloat(i) - source[i]);
            assertTrue(error <= bound, type + " element " + i + " off by " + error);
            sumSquares += error * error;
        }
        System.out.printf("%s: rms round-trip error %.4f%n", type, Math.sqrt(sumSquares / source.length));
    }
}
