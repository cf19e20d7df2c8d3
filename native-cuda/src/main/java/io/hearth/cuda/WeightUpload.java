package io.hearth.cuda;

import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Copies a model's tensors from host memory (the mapped GGUF file, which the pool's host tier may hold populated)
 * to the device in large chunks through two pinned buffers: while the copy engine sends one buffer over PCIe,
 * threads fill the other from the mapping (reading the file where its pages are not in memory), so a load is
 * bounded by the slower of disk and PCIe. Types the kernels do not read (K-quants) are dequantized to F32 on the way.
 */
final class WeightUpload implements AutoCloseable {
    /** Large enough that each copy runs at full PCIe speed, small enough that two stay cheap to pin. */
    static final long CHUNK_BYTES = 32L << 20;
    /** Threads that fill a buffer: page faults on a cold file are disk reads, and several keep the disk busy. */
    private static final int FILL_THREADS = Math.min(8, Runtime.getRuntime().availableProcessors());

    private final int device;
    private final CudaStream stream;
    private final PinnedBuffer[] buffers = new PinnedBuffer[2];
    private final CudaEvent[] sent = new CudaEvent[2];
    private final long totalBytes;
    private final IntConsumer progress;
    private long doneBytes;
    private int next;
    private int lastPercent = -1;

    /** {@code totalBytes}: what all uploads of this load add up to, for progress in percent. */
    WeightUpload(int device, long totalBytes, IntConsumer progress) {
        this.device = device;
        this.totalBytes = Math.max(1, totalBytes);
        this.progress = progress;
        this.stream = CudaStream.create(device);
        try {
            for (int i = 0; i < 2; i++) {
                buffers[i] = PinnedBuffer.allocate(CHUNK_BYTES);
                sent[i] = CudaEvent.create(device);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Uploads a weight matrix; the result is usable once {@link #finish} has returned. */
    DeviceTensor matrix(FloatTensor tensor) {
        GgmlType type = DeviceTensor.deviceType(tensor.type());
        long rowBytes = type.bytesFor(tensor.columns());
        CudaMemory memory = CudaMemory.allocate(device, rowBytes * tensor.rows());
        try {
            long rowsPerChunk = Math.max(1, CHUNK_BYTES / rowBytes);
            for (long row = 0; row < tensor.rows(); row += rowsPerChunk) {
                long first = row, count = Math.min(rowsPerChunk, tensor.rows() - row);
                send(memory, first * rowBytes, count * rowBytes, buffer -> fillRows(tensor, type, first, count, rowBytes, buffer));
            }
            return new DeviceTensor(type, memory, tensor.columns(), tensor.rows());
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** Uploads a vector of floats (norm weights, biases). */
    CudaMemory vector(float[] values) {
        CudaMemory memory = CudaMemory.allocate(device, (long) values.length * Float.BYTES);
        try {
            send(memory, 0, memory.bytes(), buffer -> MemorySegment.copy(values, 0, buffer, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length));
            return memory;
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** Waits until every queued chunk is on the device. */
    void finish() {
        stream.synchronize();
    }

    @FunctionalInterface
    private interface Fill {
        void into(MemorySegment buffer);
    }

    /** Fills the next free buffer (waiting for its previous copy to be sent) and queues its copy to the device. */
    private void send(CudaMemory memory, long offset, long bytes, Fill fill) {
        int i = next;
        next = 1 - next;
        sent[i].synchronize();
        MemorySegment buffer = buffers[i].segment().asSlice(0, bytes);
        fill.into(buffer);
        memory.copyFromAsync(offset, buffer, stream);
        sent[i].record(stream);
        doneBytes += bytes;
        int percent = (int) Math.min(99, doneBytes * 100 / totalBytes);
        if (percent != lastPercent) {
            lastPercent = percent;
            progress.accept(percent);
        }
    }

    /** Rows {@code first..+count} into the buffer: raw bytes where the device reads the type, else dequantized F32. */
    private static void fillRows(FloatTensor tensor, GgmlType type, long first, long count, long rowBytes, MemorySegment buffer) {
        int parts = (int) Math.min(FILL_THREADS, count);
        IntStream.range(0, parts).parallel().forEach(part -> {
            long from = first + count * part / parts, to = first + count * (part + 1) / parts;
            if (type == tensor.type()) {
                MemorySegment.copy(tensor.data(), from * rowBytes, buffer, (from - first) * rowBytes, (to - from) * rowBytes);
            } else {
                float[] row = new float[tensor.columns()];
                for (long r = from; r < to; r++) {
                    tensor.dequantizeRow(r, row, 0);
                    MemorySegment.copy(row, 0, buffer, ValueLayout.JAVA_FLOAT_UNALIGNED, (r - first) * rowBytes, row.length);
                }
            }
        });
    }

    @Override
    public void close() {
        try {
            stream.synchronize(); // no buffer is freed under a copy still reading it
        } catch (CudaException e) {
            // the load failed already; freeing what it held is all that is left to do
        }
        for (CudaEvent e : sent) if (e != null) e.close();
        for (PinnedBuffer b : buffers) if (b != null) b.close();
        stream.close();
    }
}
