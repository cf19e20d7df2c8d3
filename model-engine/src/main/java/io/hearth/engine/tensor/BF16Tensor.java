package io.hearth.engine.tensor;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

public final class BF16Tensor extends HalfTensor {
    BF16Tensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    FloatVector load(long offset) {
        return Vectors.loadBF16(data, offset);
    }

    @Override
    float scalar(long offset) {
        return Float.intBitsToFloat(data.get(Layouts.SHORT, offset) << 16);
    }
}
