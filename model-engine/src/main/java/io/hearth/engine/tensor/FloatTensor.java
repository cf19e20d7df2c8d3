package io.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A 2-D weight matrix in its stored type, read in place from the mapped file. Each type supplies a scalar
 * {@link #getFloat} (the reference the tests hold the vector code to) and a vectorised {@link #dot} that works on
 * quantized blocks directly, without dequantizing the tensor. Rows are the ggml ne[1] dimension, columns ne[0].
 */
public abstract sealed class FloatTensor permits F32Tensor, HalfTensor, Q8_0Tensor, Q4_0Tensor, Q4KTensor, Q6KTensor {
    protected final MemorySegment data;
    protected final int columns;
    protected final long rows;
    protected final long rowBytes;

    protected FloatTensor(MemorySegment data, int columns, long rows) {
        this.data = data;
        this.columns = columns;
        this.rows = rows;
        this.rowBytes = type().bytesFor(columns);
        if (data.byteSize() < rowBytes * rows) {
            throw new IllegalArgumentException(type() + " tensor of " + rows + "x" + columns + " needs " + rowBytes * rows
                    + " bytes, has " + data.byteSize());
        }
    }

    public static FloatTensor of(GgmlType type, MemorySegment data, int columns, long rows) {
        return switch (type) {
            case F32 -> new F32Tensor(data, columns, rows);
            case F16 -> new F16Tensor(data, columns, rows);
            case BF16 -> new BF16Tensor(data, columns, rows);
            case Q8_0 -> new Q8_0Tensor(data, columns, rows);
            case Q4_0 -> new Q4_0Tensor(data, columns, rows);
            case Q4_K -> new Q4KTensor(data, columns, rows);
            case Q6_K -> new Q6KTensor(data, columns, rows);
        };
    }

    public abstract GgmlType type();

    public final int columns() {
        return columns;
    }

    public final long rows() {
        return rows;
    }

    public final MemorySegment data() {
        return data;
    }

    public final long byteSize() {
        return rowBytes * rows;
    }

    /** Element {@code index} of the tensor (row-major), computed with plain scalar code. */
    public abstract float getFloat(long index);

    /** Σ_c row[c]·x[xOffset + c] over one row. */
    public final float dot(long row, float[] x, int xOffset) {
        return Vectors.ENABLED ? vectorDot(row, x, xOffset) : scalarDot(row, x, xOffset);
    }

    protected abstract float vectorDot(long row, float[] x, int xOffset);

    /**
     * One row against a few tokens: {@code out[t·outStride + outOffset] = row · x[t·columns ..]} for t &lt; tokens
     * (x row-major, one token after another). A type whose blocks cost more to unpack than to multiply reads each
     * block once for all the tokens; the others take the tokens one by one while the row is in L1.
     */
    public void dots(long row, float[] x, int tokens, float[] out, int outOffset, int outStride) {
        for (int t = 0; t < tokens; t++) out[t * outStride + outOffset] = dot(row, x, t * columns);
    }

    /** The reference dot product, element by element through {@link #getFloat}. */
    public final float scalarDot(long row, float[] x, int xOffset) {
        float sum = 0;
        long base = row * columns;
        for (int c = 0; c < columns; c++) sum += getFloat(base + c) * x[xOffset + c];
        return sum;
    }

    /** Writes row {@code row} as floats into {@code out[offset..offset+columns)}. */
    public void dequantizeRow(long row, float[] out, int offset) {
        long base = row * columns;
        for (int c = 0; c < columns; c++) out[offset + c] = getFloat(base + c);
    }

    static float f16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(Layouts.SHORT, offset));
    }
}
