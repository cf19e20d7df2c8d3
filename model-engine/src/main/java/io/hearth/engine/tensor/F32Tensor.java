package io.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;
import static io.hearth.engine.tensor.Vectors.LE;

public final class F32Tensor extends FloatTensor {
    F32Tensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public float getFloat(long index) {
        return data.getAtIndex(Layouts.FLOAT, index);
    }

    @Override
    protected float vectorDot(long row, float[] x, int xOffset) {
        long base = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        int c = 0;
        // Four independent chains keep both FMA units busy despite the FMA latency.
        for (; c + 4 * L <= columns; c += 4 * L) {
            acc0 = FloatVector.fromMemorySegment(F, data, base + 4L * c, LE).fma(FloatVector.fromArray(F, x, xOffset + c), acc0);
            acc1 = FloatVector.fromMemorySegment(F, data, base + 4L * (c + L), LE).fma(FloatVector.fromArray(F, x, xOffset + c + L), acc1);
            acc2 = FloatVector.fromMemorySegment(F, data, base + 4L * (c + 2 * L), LE).fma(FloatVector.fromArray(F, x, xOffset + c + 2 * L), acc2);
            acc3 = FloatVector.fromMemorySegment(F, data, base + 4L * (c + 3 * L), LE).fma(FloatVector.fromArray(F, x, xOffset + c + 3 * L), acc3);
        }
        for (; c + L <= columns; c += L) {
            acc0 = FloatVector.fromMemorySegment(F, data, base + 4L * c, LE).fma(FloatVector.fromArray(F, x, xOffset + c), acc0);
        }
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; c < columns; c++) sum += data.get(Layouts.FLOAT, base + 4L * c) * x[xOffset + c];
        return sum;
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        MemorySegment.copy(data, Layouts.FLOAT, row * rowBytes, out, offset, columns);
    }
}
