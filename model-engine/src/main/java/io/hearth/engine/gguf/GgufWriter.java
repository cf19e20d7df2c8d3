package io.hearth.engine.gguf;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.tensor.GgmlType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files in llama.cpp's conventions (u32 counts, i32 token types, 32-byte alignment). Tensor data is
 * produced row by row, in parallel batches, so multi-GB files never sit in memory. The file appears under its final
 * name only when complete.
 */
public final class GgufWriter {
    /** Fills {@code rowCount} rows starting at {@code firstRow} into {@code out} (little-endian, in the tensor's type). */
    @FunctionalInterface
    public interface RowSource {
        void fill(long firstRow, int rowCount, ByteBuffer out);
    }

    private record PendingTensor(String name, GgmlType type, long columns, long rows, RowSource source) {
        long rowBytes() {
            return type.bytesFor(columns);
        }
    }

    private static final int ALIGNMENT = 32;
    private static final long BATCH_BYTES = 16L << 20;

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** A 1-D tensor when rows is 1 and {@code vector} is set, otherwise [columns, rows] in ggml order. */
    public GgufWriter tensor(String name, GgmlType type, long columns, long rows, RowSource source) {
        if (columns % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor " + name + ": " + columns + " columns is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        tensors.add(new PendingTensor(name, type, columns, rows, source));
        return this;
    }

    public void write(Path path, WorkerPool pool) throws IOException {
        Path partial = path.resolveSibling(path.getFileName() + ".partial");
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = header();
            while (header.hasRemaining()) out.write(header);
            for (PendingTensor t : tensors) {
                pad(out);
                writeData(out, t, pool);
            }
        }
        Files.move(partial, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ByteBuffer header() {
        Buffer b = new Buffer();
        b.u32(0x46554747).u32(3).u64(tensors.size()).u64(metadata.size());
        metadata.forEach((key, value) -> {
            b.string(key);
            b.value(value);
        });
        long offset = 0;
        for (PendingTensor t : tensors) {
            b.string(t.name());
            boolean vector = t.rows() == 1;
            b.u32(vector ? 1 : 2).u64(t.columns());
            if (!vector) b.u64(t.rows());
            b.u32(t.type().id()).u64(offset);
            offset = alignUp(offset + t.rowBytes() * t.rows());
        }
        return b.finish();
    }

    private void writeData(FileChannel out, PendingTensor t, WorkerPool pool) throws IOException {
        long rowBytes = t.rowBytes();
        int rowsPerBatch = (int) Math.max(1, Math.min(t.rows(), BATCH_BYTES / rowBytes));
        ByteBuffer batch = ByteBuffer.allocate(Math.toIntExact(rowsPerBatch * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (long first = 0; first < t.rows(); first += rowsPerBatch) {
            int count = (int) Math.min(rowsPerBatch, t.rows() - first);
            long base = first;
            pool.parallelFor(count, 1, (start, end) -> {
                ByteBuffer slice = batch.slice((int) (start * rowBytes), (int) ((end - start) * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
                t.source().fill(base + start, end - start, slice);
            });
            batch.limit((int) (count * rowBytes)).position(0);
            while (batch.hasRemaining()) out.write(batch);
            batch.clear();
        }
    }

    private static void pad(FileChannel out) throws IOException {
        long position = out.position();
        int padding = (int) (alignUp(position) - position);
        if (padding > 0) out.write(ByteBuffer.allocate(padding));
    }

    private static long alignUp(long value) {
        return GgufFile.alignUp(value, ALIGNMENT);
    }

    /** A growable little-endian buffer for the header. */
    private static final class Buffer {
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private Buffer ensure(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes)).order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            return this;
        }

        Buffer u32(int v) {
            ensure(4).buffer.putInt(v);
            return this;
        }

        Buffer u64(long v) {
            ensure(8).buffer.putLong(v);
            return this;
        }

        Buffer string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            ensure(bytes.length).buffer.put(bytes);
            return this;
        }

        void value(Object value) {
            switch (value) {
                case String s -> u32(GgufValueType.STRING.id).string(s);
                case Integer i -> u32(GgufValueType.UINT32.id).u32(i);
                case Long l -> u32(GgufValueType.UINT64.id).u64(l);
                case Float f -> u32(GgufValueType.FLOAT32.id).u32(Float.floatToRawIntBits(f));
                case Boolean flag -> {
                    u32(GgufValueType.BOOL.id);
                    ensure(1).buffer.put((byte) (flag ? 1 : 0));
                }
                case String[] strings -> {
                    u32(GgufValueType.ARRAY.id).u32(GgufValueType.STRING.id).u64(strings.length);
                    for (String s : strings) string(s);
                }
                case int[] ints -> {
                    u32(GgufValueType.ARRAY.id).u32(GgufValueType.INT32.id).u64(ints.length);
                    for (int i : ints) u32(i);
                }
                case float[] floats -> {
                    u32(GgufValueType.ARRAY.id).u32(GgufValueType.FLOAT32.id).u64(floats.length);
                    for (float f : floats) u32(Float.floatToRawIntBits(f));
                }
                default -> throw new IllegalArgumentException("cannot write metadata of type " + value.getClass().getSimpleName());
            }
        }

        ByteBuffer finish() {
            buffer.flip();
            return buffer;
        }
    }
}
