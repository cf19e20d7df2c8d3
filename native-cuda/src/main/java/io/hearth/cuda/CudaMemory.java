package io.hearth.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block of device memory, freed when closed. Every allocation is counted per device ({@link #allocatedBytes}), so
 * the pool can keep what it places within what a device has and see that an unloaded model gave everything back.
 */
public final class CudaMemory implements AutoCloseable {
    private static final Map<Integer, AtomicLong> ALLOCATED = new ConcurrentHashMap<>();

    private final CudaLibrary library;
    private final int device;
    private final long bytes;
    private MemorySegment pointer;

    private CudaMemory(CudaLibrary library, int device, long bytes, MemorySegment pointer) {
        this.library = library;
        this.device = device;
        this.bytes = bytes;
        this.pointer = pointer;
    }

    /** {@code bytes} of memory on {@code device}; a {@link CudaException} (naming cudaMalloc) when it has not that much. */
    public static CudaMemory allocate(int device, long bytes) {
        CudaLibrary library = CudaDevices.library();
        CudaMemory memory = new CudaMemory(library, device, bytes, library.malloc(device, bytes));
        ALLOCATED.computeIfAbsent(device, d -> new AtomicLong()).addAndGet(bytes);
        return memory;
    }

    /** Bytes this process holds on {@code device} through CudaMemory now. */
    public static long allocatedBytes(int device) {
        AtomicLong held = ALLOCATED.get(device);
        return held == null ? 0 : held.get();
    }

    public int device() {
        return device;
    }

    public long bytes() {
        return bytes;
    }

    MemorySegment pointer() {
        if (pointer == null) throw new IllegalStateException("this device memory was freed");
        return pointer;
    }

    /** Copies all of {@code host} (at most this block's size) to the start of this block. */
    public void copyFrom(MemorySegment host) {
        if (host.byteSize() > bytes) throw new IllegalArgumentException(host.byteSize() + " bytes do not fit in " + bytes);
        library.copy(device, pointer(), host, host.byteSize(), true);
    }

    /** Copies the start of this block into all of {@code host} (at most this block's size). */
    public void copyTo(MemorySegment host) {
        if (host.byteSize() > bytes) throw new IllegalArgumentException(bytes + " bytes cannot fill " + host.byteSize());
        library.copy(device, host, pointer(), host.byteSize(), false);
    }

    /**
     * Queues a copy of {@code source} (pinned, left untouched until the stream has passed the copy) to
     * {@code offset} of this block.
     */
    public void copyFromAsync(long offset, MemorySegment source, CudaStream stream) {
        checkRange(offset, source.byteSize());
        library.copyAsync(device, stream.handle(), MemorySegment.ofAddress(pointer().address() + offset), source, source.byteSize(), true);
    }

    /** Queues a copy from {@code offset} of this block into all of {@code destination} (pinned, read after the stream passes it). */
    public void copyToAsync(long offset, MemorySegment destination, CudaStream stream) {
        checkRange(offset, destination.byteSize());
        library.copyAsync(device, stream.handle(), destination, MemorySegment.ofAddress(pointer().address() + offset), destination.byteSize(), false);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > bytes) {
            throw new IllegalArgumentException("bytes " + offset + ".." + (offset + length) + " are outside this block of " + bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (pointer == null) return;
        library.free(device, pointer);
        pointer = null;
        ALLOCATED.get(device).addAndGet(-bytes);
    }
}
