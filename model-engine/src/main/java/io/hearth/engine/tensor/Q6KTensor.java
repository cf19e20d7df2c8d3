package io.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.B;
import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;
import static io.hearth.engine.tensor.Vectors.LE;

/**
 * Super-blocks of 256 (210 bytes): 128 bytes of low nibbles (ql), 64 bytes of 2-bit high parts (qh), 16 signed 8-bit
 * scales (one per 16 elements), f16 d. Each half of 128 elements uses 64 ql bytes and 32 qh bytes; within it,
 * element l + 32·k (k = 0..3) takes nibble (k &lt; 2 ? low : high) of ql[l + 32·(k % 2)] and bits 2k..2k+1 of qh[l].
 * value = d·scale·(q − 32).
 */
public final class Q6KTensor extends FloatTensor {
    static final int BLOCK = 256, BYTES = 210;

    Q6KTensor(MemorySegment data, int columns, long rows) {
        super(data, columns, rows);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    private int u8(long offset) {
        return Byte.toUnsignedInt(data.get(Layouts.BYTE, offset));
    }

    @Override
    public float getFloat(long index) {
        long block = (index / BLOCK) * BYTES;
        int within = (int) (index % BLOCK);
        int half = within / 128, k = (within % 128) / 32, l = within % 32;
        int low = u8(block + 64L * half + l + 32 * (k % 2));
        int nibble = k < 2 ? low & 0xF : low >>> 4;
        int high = (u8(block + 128 + 32L * half + l) >>> (2 * k)) & 3;
        int scale = data.get(Layouts.BYTE, block + 192 + 8L * half + l / 16 + 2 * k);
        return f16(data, block + 208) * scale * ((nibble | (high << 4)) - 32);
    }

    @Override
    protected float vectorDot(long row, float[] x, int xOffset) {
        long at = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        int blocks = columns / BLOCK;
        for (int b = 0; b < blocks; b++, at += BYTES) {
            float d = f16(data, at + 208);
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half, qh = at + 128 + 32L * half, sc = at + 192 + 8L * half;
                int xo = xOffset + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l += L) {
                    ByteVector lowA = ByteVector.fromMemorySegment(B, data, ql + l, LE);
                    ByteVector lowB = ByteVector.fromMemorySegment(B, data, ql + 32 + l, LE);
                    ByteVector high = ByteVector.fromMemorySegment(B, data, qh + l, LE);
                    ByteVector q0 = lowA.and((byte) 0x0F).or(high.and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q1 = lowB.and((byte) 0x0F).or(high.lanewise(VectorOperators.LSHR, 2).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q2 = lowA.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).or(high.lanewise(VectorOperators.LSHR, 4).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q3 = lowB.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).or(high.lanewise(VectorOperators.LSHR, 6).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    int group = l / 16;
                    acc = dotScaled(q0, x, xo + l, d * data.get(Layouts.BYTE, sc + group), acc);
                    acc = dotScaled(q1, x, xo + 32 + l, d * data.get(Layouts.BYTE, sc + group + 2), acc);
                    acc = dotScaled(q2, x, xo + 64 + l, d * data.get(Layouts.BYTE, sc + group + 4), acc);
                    acc = dotScaled(q3, x, xo + 96 + l, d * data.get(Layouts.BYTE, sc + group + 6), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector dotScaled(ByteVector q, float[] x, int xo, float scale, FloatVector acc) {
        FloatVector qf = Vectors.bytesToFloats(q.sub((byte) 32));
        return qf.mul(FloatVector.fromArray(F, x, xo)).fma(FloatVector.broadcast(F, scale), acc);
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        long at = row * rowBytes;
        for (int b = 0; b < columns / BLOCK; b++, at += BYTES) {
            float d = f16(data, at + 208);
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half, qh = at + 128 + 32L * half, sc = at + 192 + 8L * half;
                int o = offset + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int lowA = u8(ql + l), lowB = u8(ql + 32 + l), high = u8(qh + l);
                    int group = l / 16;
                    out[o + l] = d * data.get(Layouts.BYTE, sc + group) * (((lowA & 0xF) | ((high & 3) << 4)) - 32);
                    out[o + 32 + l] = d * data.get(Layouts.BYTE, sc + group + 2) * (((lowB & 0xF) | (((high >>> 2) & 3) << 4)) - 32);
                    out[o + 64 + l] = d * data.get(Layouts.BYTE, sc + group + 4) * (((lowA >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                    out[o + 96 + l] = d * data.get(Layouts.BYTE, sc + group + 6) * (((lowB >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                }
            }
        }
    }
}
