package io.hearth.cuda;

import io.hearth.engine.tensor.GgmlType;

/** A weight matrix on the device: {@code rows × cols} in {@code type}, GGUF's layout (what the kernels read in place). */
public record DeviceTensor(GgmlType type, CudaMemory memory, int cols, long rows) {

    /** What a matrix of the engine becomes on the device: the same type where the kernels read it, else F32. */
    static GgmlType deviceType(GgmlType stored) {
        return CudaKernels.MATMUL_TYPES.contains(stored) ? stored : GgmlType.F32;
    }

    static long deviceBytes(GgmlType stored, int cols, long rows) {
        return deviceType(stored).bytesFor(cols) * rows;
    }
}
