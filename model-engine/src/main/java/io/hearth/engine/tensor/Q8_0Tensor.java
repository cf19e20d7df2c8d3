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

    /**
     * Converting a block's bytes to floats costs more than the multiply-adds that use them, so with several tokens
     * each block is converted once and multiplied into four tokens, or two: on 2 threads a 5632 × 2048 product of
     * 4 tokens went from 3.9–5.3 ms to 2.0–2.4 ms, of 2 tokens from 2.2–2.8 to 1.3–1.9 ms.
     */
    @Override
    public void dots(long row, float[] x, int tokens, float[] out, int outOffset, int outStride) {
        if (!Vectors.ENABLED) {
            super.dots(row, x, tokens, out, outOffset, outStride);
            return;
        }
        int t = 0;
        for (; t + 4 <= tokens; t += 4) fourDots(row, x, t * columns, out, t * outStride + outOffset, outStride);
        for (; t + 2 <= tokens; t += 2) twoDots(row, x, t * columns, out, t * outStride + outOffset, outStride);
        if (t < tokens) out[t * outStride + outOffset] = vectorDot(row, x, t * columns);
    }

    /** As {@link #fourDots}, for two tokens. */
    private void twoDots(long row, float[] x, int xOffset, float[] out, int o, int outStride) {
        int x1 = xOffset + columns;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        long at = row * rowBytes;
        for (int c = 0; c < columns; c += BLOCK, at += BYTES) {
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), u0 = FloatVector.zero(F), u1 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += 2 * L) {
                FloatVector q = Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j, LE));
                FloatVector r = Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j + L, LE));
                s0 = q.fma(FloatVector.fromArray(F, x, xOffset + c + j), s0);
                s1 = q.fma(FloatVector.fromArray(F, x, x1 + c + j), s1);
                u0 = r.fma(FloatVector.fromArray(F, x, xOffset + c + j + L), u0);
                u1 = r.fma(FloatVector.fromArray(F, x, x1 + c + j + L), u1);
            }
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            acc0 = s0.add(u0).fma(d, acc0);
            acc1 = s1.add(u1).fma(d, acc1);
        }
        out[o] = acc0.reduceLanes(VectorOperators.ADD);
        out[o + outStride] = acc1.reduceLanes(VectorOperators.ADD);
    }

    /** Four tokens at x[xOffset], x[xOffset + columns], ...: each block converted once, four FMA chains. */
    private void fourDots(long row, float[] x, int xOffset, float[] out, int o, int outStride) {
        int x1 = xOffset + columns, x2 = x1 + columns, x3 = x2 + columns;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F), acc2 = FloatVector.zero(F), acc3 = FloatVector.zero(F);
        long at = row * rowBytes;
        for (int c = 0; c < columns; c += BLOCK, at += BYTES) {
            FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += L) {
                FloatVector q = Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j, LE));
                s0 = q.fma(FloatVector.fromArray(F, x, xOffset + c + j), s0);
                s1 = q.fma(FloatVector.fromArray(F, x, x1 + c + j), s1);
                s2 = q.fma(FloatVector.fromArray(F, x, x2 + c + j), s2);
                s3 = q.fma(FloatVector.fromArray(F, x, x3 + c + j), s3);
            }
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
        }
        out[o] = acc0.reduceLanes(VectorOperators.ADD);
        out[o + outStride] = acc1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(long row, float[] out, int offset) {
        // The prefill and batched-decode kernels dequantize every row tile they use, so this loop is on their
        // critical path: vectorised, it took a 16-token Q8_0 product from 6.5 to 4.2 ms (bench/run-kernels.sh shape).
        long at = row * rowBytes;
        if (!Vectors.ENABLED) {
            for (int o = offset; o < offset + columns; o += BLOCK, at += BYTES) {
                float d = f16(data, at);
                for (int j = 0; j < BLOCK; j++) out[o + j] = d * data.get(Layouts.BYTE, at + 2 + j);
            }
            return;
        }
        // Stores through a segment view with long byte offsets: C2 then addresses each store from one base register,
        // where int array indices cost a sign extension and a spill per store; 3-4% of a 16-token product.
        MemorySegment dst = MemorySegment.ofArray(out);
        long o = (long) offset * Float.BYTES;
        for (int b = 0; b < columns / BLOCK; b++, at += BYTES) {
            FloatVector d = FloatVector.broadcast(F, f16(data, at));
            for (int j = 0; j < BLOCK; j += L, o += (long) L * Float.BYTES) {
                Vectors.bytesToFloats(ByteVector.fromMemorySegment(B, data, at + 2 + j, LE)).mul(d).intoMemorySegment(dst, o, LE);
            }
        }
    }
}
