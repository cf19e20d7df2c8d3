package io.hearth.cuda;

import java.lang.foreign.MemorySegment;

/** A point in a stream: lets the host wait for the work queued before it (a copy out of a buffer it will refill). */
public final class CudaEvent implements AutoCloseable {
    private final CudaLibrary library;
    private final int device;
    private MemorySegment handle;

    private CudaEvent(CudaLibrary library, int device, MemorySegment handle) {
        this.library = library;
        this.device = device;
        this.handle = handle;
    }

    public static CudaEvent create(int device) {
        CudaLibrary library = CudaDevices.library();
        return new CudaEvent(library, device, library.eventCreate(device));
    }

    /** Marks the end of what is queued on {@code stream} now. */
    public void record(CudaStream stream) {
        library.eventRecord(device, handle(), stream.handle());
    }

    /** Waits until the stream has passed the last {@link #record}; at once if never recorded. */
    public void synchronize() {
        library.eventSynchronize(device, handle());
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("this event was closed");
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle == null) return;
        library.eventDestroy(device, handle);
        handle = null;
    }
}
