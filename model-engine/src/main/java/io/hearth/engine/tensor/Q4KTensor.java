package io.hearth.engine.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;

/**
 * Super-blocks of 256 (144 bytes): f16 d, f16 dmin, 12 bytes packing eight 6-bit (scale, min) pairs, 128 bytes of
 * nibbles. Each 64 elements share 32 bytes: low nibbles are the first 32 (sub-block 2j), high nibbles the next 32
 * (sub-block 2j+1). value = d·scale·q − dmin·min.
 */
public final class Q4KTensor extends FloatTensor {
    static final int BLOCK = 256, BYTES = 144;

    Q4KTensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /** The 6-bit scale of sub-block j (0..7) from the 12 packed bytes at {@code scales}. */
    static int scale(MemorySegment data, long scales, int j) {
        if (j < 4) return u8(data, scales + j) & 63;
        return (u8(data, scales + j + 4) & 0xF) | ((u8(data, scales + j - 4) >>> 6) << 4);
    }

    /** The 6-bit min of sub-block j (0..7). */
    static int min(MemorySegment data, long scales, int j) {
        if (j < 4) return u8(data, scales + j + 4) & 63;
        return (u8(data, scales + j + 4) >>> 4) | ((u8(data, scales + j) >>> 6) << 4);
    }

    private static int u8(MemorySegment data, long offset) {
        return Byte.toUnsignedInt(data.get(Layouts.BYTE, offset));
    }

    @Override
    public float getFloat(long index) {
        long block = (index / BLOCK) * BYTES;
        int within = (int) (index % BLOCK);
        int group = within / 64;
        boolean high = (within % 64) >= 32;
        int sub = 2 * group + (high ? 1 : 0);
        int packed = u8(data, block + 16 + 32 * group + within % 32);
        int q = high ? packed >>> 4 : packed & 0xF;
        float d = f16(data, block), dmin = f16(data, block + 2);
        return d * scale(data, block + 4, sub) * q - dmin * min(data, block + 4, sub);
    }

    @Override
    protected float vectorDot(long row, float[] x, int xOffset) {
        long at = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int blocks = columns / BLOCK;
        for (int b = 0; b < blocks; b++, at += BYTES) {
            float d = f16(data, at), dmin = f16(data, at + 2);
            for (int group = 0; group < 4; group++) {
                long q = at + 16 + 32L * group;
                int xo = xOffset + b * BLOCK + 64 * group;
                FloatVector qxLo = FloatVector.zero(F), qxHi = FloatVector.zero(F);
                FloatVector xLo = FloatVector.zero(F), xHi = FloatVector.zero(F);
                for (int l = 0; l < 32; l += L) {
                    IntVector packed = Vectors.loadUnsignedBytes(data, q + l);
                    FloatVector a = FloatVector.fromArray(F, x, xo + l);
                    FloatVector c = FloatVector.fromArray(F, x, xo + 32 + l);
                    qxLo = Vectors.toFloats(packed.and(0x0F)).fma(a, qxLo);
                    qxHi = Vectors.toFloats(packed.lanewise(VectorOperators.LSHR, 4)).fma(c, qxHi);
                    xLo = xLo.add(a);
                    xHi = xHi.add(c);
                }
                int s0 = 2 * group, s1 = s0 + 1;
                // value = d·scale·q − dmin·min, so Σ value·x = d·scale·Σq·x − dmin·min·Σx per sub-block.
                acc0 = qxLo.fma(FloatVector.broadcast(F, d * scale(data, at + 4, s0)), acc0);
                acc1 = xLo.fma(FloatVector.broadcast(F, -dmin * min(data, at + 4, s0)), acc1);
                acc0 = qxHi.fma(FloatVector.broadcast(F, d * scale(data, at + 4, s1)), acc0);
                acc1 = xHi.fma(FloatVector.broadcast(F, -dmin * min(data, at + 4, s1)), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        long at = row * rowBytes;
        for (int b = 0; b < columns / BLOCK; b++, at += BYTES) {
            float d = f16(data, at), dmin = f16(data, at + 2);
            for (int group = 0; group < 4; group++) {
                float d0 = d * scale(data, at + 4, 2 * group), m0 = dmin * min(data, at + 4, 2 * group);
                float d1 = d * scale(data, at + 4, 2 * group + 1), m1 = dmin * min(data, at + 4, 2 * group + 1);
                int o = offset + b * BLOCK + 64 * group;
                long q = at + 16 + 32L * group;
                for (int l = 0; l < 32; l++) {
                    int packed = u8(data, q + l);
                    out[o + l] = d0 * (packed & 0xF) - m0;
                    out[o + 32 + l] = d1 * (packed >>> 4) - m1;
                }
            }
        }
    }
}
