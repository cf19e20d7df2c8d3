package io.hearth.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        float[] out = new float[1];
        kernels.rowsQ8_0(oneRow, 34, 0, 1, 32, new byte[36], 1, out, 1);
        assertNotNull(out);
    }

    @Test
    void withoutTheLibraryTheReasonIsGiven() {
        CpuKernels kernels = CpuKernels.get();
        assumeTrue(!kernels.available(), "the kernels are here");
        assertNotNull(kernels.unavailableReason());
    }
}
