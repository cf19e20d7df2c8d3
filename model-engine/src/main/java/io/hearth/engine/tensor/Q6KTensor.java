package io.hearth.engine.tensor;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.hearth.engine.tensor.Vectors.F;
import static io.hearth.engine.tensor.Vectors.L;

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
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int blocks = columns / BLOCK;
        for (int b = 0; b < blocks; b++, at += BYTES) {
            float d = f16(data, at + 208);
            for (int half = 0; half < 2; half++) {
                long ql = at + 64L * half, qh = at + 128 + 32L * half, sc = at + 192 + 8L * half;
                int xo = xOffset + b * BLOCK + 128 * half;
                // Quarter k of the half: nibble (k / 2) of ql[l + 32·(k % 2)], bits 2k..2k+1 of qh[l]. Looping over k
                // keeps the loop body small enough for C2 to inline every vector operation (a body unpacking all four
                // quarters at once exceeded its inlining node budget, and boxed vectors ran 8x slower).
                for (int k = 0; k < 4; k++) {
                    long low = ql + 32L * (k & 1);
                    int nibbleShift = 4 * (k >> 1), highShift = 2 * k;
                    for (int group = 0; group < 2; group++) {
                        FloatVector sum = FloatVector.zero(F);
                        for (int l = 16 * group; l < 16 * group + 16; l += L) {
                            IntVector q = Vectors.loadUnsignedBytes(data, low + l).lanewise(VectorOperators.LSHR, nibbleShift).and(0x0F)
                                    .or(Vectors.loadUnsignedBytes(data, qh + l).lanewise(VectorOperators.LSHR, highShift).and(3).lanewise(VectorOperators.LSHL, 4));
                            sum = Vectors.toFloats(q.sub(32)).fma(FloatVector.fromArray(F, x, xo + 32 * k + l), sum);
                        }
                        FloatVector scale = FloatVector.broadcast(F, d * data.get(Layouts.BYTE, sc + group + 2 * k));
                        if (group == 0) acc0 = sum.fma(scale, acc0); else acc1 = sum.fma(scale, acc1);
                    }
                }
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
