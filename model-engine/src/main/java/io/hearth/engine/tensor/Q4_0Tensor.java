package io.hearth.engine.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;

/**
 * Blocks of 32: an f16 scale d, then 16 bytes; element j &lt; 16 is the low nibble of byte j, element 16 + j its high
 * nibble; value = d·(nibble − 8).
 */
public final class Q4_0Tensor extends FloatTensor {
    static final int BLOCK = 32, BYTES = 18;

    Q4_0Tensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public float getFloat(long index) {
        long block = (index / BLOCK) * BYTES;
        int j = (int) (index % BLOCK);
        int packed = Byte.toUnsignedInt(data.get(Layouts.BYTE, block + 2 + (j & 15)));
        int nibble = j < 16 ? packed & 0xF : packed >>> 4;
        return f16(data, block) * (nibble - 8);
    }

    @Override
    protected float vectorDot(long row, float[] x, int xOffset) {
        long at = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int blocks = columns / BLOCK;
        for (int b = 0; b < blocks; b++, at += BYTES) {
            int xo = xOffset + b * BLOCK;
            // Nibbles are split on int lanes (x86 has no byte shifts); low and high halves feed separate sums.
            FloatVector lo = FloatVector.zero(F), hi = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                IntVector q = Vectors.loadUnsignedBytes(data, at + 2 + j);
                lo = Vectors.toFloats(q.and(0x0F).sub(8)).fma(FloatVector.fromArray(F, x, xo + j), lo);
                hi = Vectors.toFloats(q.lanewise(VectorOperators.LSHR, 4).sub(8)).fma(FloatVector.fromArray(F, x, xo + 16 + j), hi);
            }
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            if ((b & 1) == 0) acc0 = lo.add(hi).fma(d, acc0); else acc1 = lo.add(hi).fma(d, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        long at = row * rowBytes;
        for (int b = 0; b < columns / BLOCK; b++, at += BYTES) {
            float d = f16(data, at);
            int o = offset + b * BLOCK;
            if (Vectors.ENABLED) { // on the prefill kernels' critical path, as for Q8_0
                FloatVector dv = FloatVector.broadcast(F, d);
                for (int j = 0; j < 16; j += L) {
                    IntVector q = Vectors.loadUnsignedBytes(data, at + 2 + j);
                    Vectors.toFloats(q.and(0x0F).sub(8)).mul(dv).intoArray(out, o + j);
                    Vectors.toFloats(q.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(dv).intoArray(out, o + 16 + j);
                }
                continue;
            }
            for (int j = 0; j < 16; j++) {
                int packed = Byte.toUnsignedInt(data.get(Layouts.BYTE, at + 2 + j));
                out[o + j] = d * ((packed & 0xF) - 8);
                out[o + 16 + j] = d * ((packed >>> 4) - 8);
            }
        }
    }
}
