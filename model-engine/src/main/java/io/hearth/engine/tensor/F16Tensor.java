package io.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

public final class F16Tensor extends HalfTensor {
    F16Tensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    FloatVector load(long offset) {
        return Vectors.loadF16(data, offset);
    }

    @Override
    float scalar(long offset) {
        return f16(data, offset);
    }
}
