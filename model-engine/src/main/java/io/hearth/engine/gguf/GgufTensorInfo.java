package io.hearth.engine.gguf;

import io.hearth.engine.tensor.GgmlType;

/**
 * One tensor's entry in the GGUF header. {@code dims} is in ggml order: dims[0] is the contiguous (column) count,
 * dims[1] the number of rows. {@code offset} is relative to the start of the tensor data section.
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {

    public long elementCount() {
        long n = 1;
        for (long d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    /** Contiguous elements per row (ggml ne[0]). */
    public int columns() {
        return Math.toIntExact(dims[0]);
    }

    /** Rows: the product of all dimensions after the first. */
    public long rows() {
        return elementCount() / dims[0];
    }
}
