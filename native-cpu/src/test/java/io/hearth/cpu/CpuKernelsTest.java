package io.hearth.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bindings refuse sizes the C side would trust into a read or write past an array. */
class CpuKernelsTest {
    @Test
    void sizesThatWouldOverrunAnArrayAreRefusedBeforeTheCall() {
        CpuKernels kernels = CpuKernels.get();
        assumeTrue(kernels.available(), "no CPU kernels here: " + kernels.unavailableReason());
        assertThrows(IllegalArgumentException.class, () -> kernels.quantize(new float[40], 0, 40, new byte[72], 0), "not whole blocks");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.quantize(new float[32], 0, 64, new byte[72], 0), "more than the array");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.quantize(new float[64], 0, 64, new byte[36], 0), "more than the output");
        MemorySegment oneRow = MemorySegment.ofArray(new byte[34]);
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.rowsQ8_0(oneRow, 34, 0, 2, 32, new byte[36], 1, new float[2], 2), "rows past the weights");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.rowsQ8_0(oneRow, 34, 0, 1, 32, new byte[36], 2, new float[1], 1), "tokens past the output");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.rowsQ8_0(oneRow, 34, 0, 1, 32, new byte[36], 2, new float[2], 1), "tokens past the activations");
        assertThrows(IllegalArgumentException.class, () -> kernels.rowsQ8_0(MemorySegment.ofArray(new byte[36]), 18, 0, 2, 32, new byte[36], 1,
                new float[2], 2), "Q8_0 rows of Q4_0's size would read past each row");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.rowsQ8_0(oneRow, 34, 0, 1, 32, new byte[72], 2, new float[1], -1),
                "a negative stride would write before the array");
        assertThrows(IndexOutOfBoundsException.class, () -> kernels.quantize(new float[32], 0, 32, new byte[40], 2), "a misaligned block");
        float[] out = {7f};
        kernels.rowsQ8_0(oneRow, 34, 0, 1, 32, new byte[36], 1, out, 1);
        assertEquals(0f, out[0], "zero weights and activations: the call ran and wrote its one output");
    }

    @Test
    void aBlockWithANaNOrAnInfinityGivesNaNProductsAsTheFloatPathWould() {
        CpuKernels kernels = CpuKernels.get();
        assumeTrue(kernels.available(), "no CPU kernels here: " + kernels.unavailableReason());
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] x = new float[32];
            java.util.Arrays.fill(x, 0.5f);
            x[7] = bad;
            byte[] q = new byte[36];
            kernels.quantize(x, 0, 32, q, 0);
            byte[] weights = new byte[34];
            weights[1] = 0x3c; // scale 1.0 as an f16
            weights[2] = 1;
            float[] out = new float[1];
            kernels.rowsQ8_0(MemorySegment.ofArray(weights), 34, 0, 1, 32, q, 1, out, 1);
            assertTrue(Float.isNaN(out[0]), bad + " in the activations: " + out[0]);
        }
    }

    @Test
    void withoutTheLibraryTheReasonIsGiven() {
        CpuKernels kernels = CpuKernels.get();
        assumeTrue(!kernels.available(), "the kernels are here");
        assertNotNull(kernels.unavailableReason());
    }
}
