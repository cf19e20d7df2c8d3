package io.hearth.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A CUDA stream: kernels and copies queued on it run in order, and apart from other streams' (each replica has
 * its own, and loads upload on another). Errors inside queued work show at {@link #synchronize}.
 */
public final class CudaStream implements AutoCloseable {
    private final CudaLibrary library;
    private final int device;
    private MemorySegment handle;

    private CudaStream(CudaLibrary library, int device, MemorySegment handle) {
        this.library = library;
        this.device = device;
        this.handle = handle;
    }

    public static CudaStream create(int device) {
        CudaLibrary library = CudaDevices.library();
        return new CudaStream(library, device, library.streamCreate(device));
    }

    public int device() {
        return device;
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("this stream was closed");
        return handle;
    }

    /** Waits until everything queued so far has run; a {@link CudaException} if any of it failed. */
    public void synchronize() {
        library.streamSynchronize(device, handle());
    }

    @Override
    public synchronized void close() {
        if (handle == null) return;
        library.streamDestroy(device, handle);
        handle = null;
    }
}
