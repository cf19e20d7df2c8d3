package io.hearth.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory: the GPU's copy engine reads and writes it directly, so copies run at PCIe speed and the
 * host is free meanwhile. Costly to allocate: kept for a backend's life, not per step.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final CudaLibrary library;
    private MemorySegment memory;

    private PinnedBuffer(CudaLibrary library, MemorySegment memory) {
        this.library = library;
        this.memory = memory;
    }

    public static PinnedBuffer allocate(long bytes) {
        CudaLibrary library = CudaDevices.library();
        return new PinnedBuffer(library, library.hostAlloc(bytes).reinterpret(bytes));
    }

    /** The buffer, readable and writable from Java. */
    public MemorySegment segment() {
        if (memory == null) throw new IllegalStateException("this pinned buffer was freed");
        return memory;
    }

    public long bytes() {
        return segment().byteSize();
    }

    @Override
    public synchronized void close() {
        if (memory == null) return;
        library.hostFree(memory);
        memory = null;
    }
}
