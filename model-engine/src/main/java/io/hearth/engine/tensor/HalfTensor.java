package io.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;

/** Two-byte float types (F16, BF16): the same kernels, differing only in how one value widens to float32. */
abstract sealed class HalfTensor extends FloatTensor permits F16Tensor, BF16Tensor {
    HalfTensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    /** L values at a byte offset, widened to float32. */
    abstract FloatVector load(long offset);

    /** One value at a byte offset, widened to float32. */
    abstract float scalar(long offset);

    @Override
    public final float getFloat(long index) {
        return scalar(2 * index);
    }

    @Override
    protected final float vectorDot(long row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        int c = 0;
        // Four independent chains keep both FMA units busy despite the FMA latency.
        for (; c + 4 * L <= columns; c += 4 * L) {
            acc0 = load(base + 2L * c).fma(FloatVector.fromArray(F, x, xOffset + c), acc0);
            acc1 = load(base + 2L * (c + L)).fma(FloatVector.fromArray(F, x, xOffset + c + L), acc1);
            acc2 = load(base + 2L * (c + 2 * L)).fma(FloatVector.fromArray(F, x, xOffset + c + 2 * L), acc2);
            acc3 = load(base + 2L * (c + 3 * L)).fma(FloatVector.fromArray(F, x, xOffset + c + 3 * L), acc3);
        }
        for (; c + L <= columns; c += L) {
            acc0 = load(base + 2L * c).fma(FloatVector.fromArray(F, x, xOffset + c), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; c < columns; c++) sum += scalar(base + 2L * c) * x[xOffset + c];
        return sum;
    }

    @Override
    public final void dequantizeRow(long row, float[] out, int offset) {
        long base = row * rowBytes;
        int c = 0;
        if (Vectors.ENABLED) {
            for (; c + L <= columns; c += L) load(base + 2L * c).intoArray(out, offset + c);
        }
        for (; c < columns; c++) out[offset + c] = scalar(base + 2L * c);
    }
}
