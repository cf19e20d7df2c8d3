package io.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.B;
import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;
import static io.hearth.engine.tensor.Vectors.LE;

/** Blocks of 32: an f16 scale d, then 32 signed bytes q; value = d·q. */
public final class Q8_0Tensor extends FloatTensor {
    static final int BLOCK = 32, BYTES = 34;

    Q8_0Tensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public float getFloat(long index) {
        long block = (index / BLOCK) * BYTES;
        return f16(data, block) * data.get(Layouts.BYTE, block + 2 + index % BLOCK);
    }

    @Override
    protected float vectorDot(long row, float[] x, int xOffset) {
        long at = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int blocks = columns / BLOCK;
        for (int b = 0; b < blocks; b++, at += BYTES) {
            int xo = xOffset + b * BLOCK;
            // Two independent partial sums per block: a single FMA chain is bound by FMA latency, not throughput.
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += 2 * L) {
                s0 = Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j, LE)).fma(FloatVector.fromArray(F, x, xo + j), s0);
                s1 = Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j + L, LE)).fma(FloatVector.fromArray(F, x, xo + j + L), s1);
            }
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            if ((b & 1) == 0) acc0 = s0.add(s1).fma(d, acc0); else acc1 = s0.add(s1).fma(d, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        // The prefill and batched-decode kernels dequantize every row tile they use, so this loop is on their
        // critical path: vectorised, it took a 16-token Q8_0 product from 6.5 to 4.2 ms (bench/run-kernels.sh shape).
        long at = row * rowBytes;
        for (int b = 0; b < columns / BLOCK; b++, at += BYTES) {
            int o = offset + b * BLOCK;
            if (!Vectors.ENABLED) {
                float d = f16(data, at);
                for (int j = 0; j < BLOCK; j++) out[o + j] = d * data.get(Layouts.BYTE, at + 2 + j);
                continue;
            }
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            for (int j = 0; j < BLOCK; j += L) {
                Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j, LE)).mul(d).intoArray(out, o + j);
            }
        }
    }
}
