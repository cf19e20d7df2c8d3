package io.hearth.cuda;

/**
 * The two bandwidths a GPU's figures are held to, measured on the device itself: device memory (a device-to-device
 * copy, counting the bytes read and written, as the decode kernels read weights) and host to device (pinned
 * buffers, as a load uploads). Each is the best of several copies after one that warms up.
 */
public final class CudaBandwidth {
    private static final int REPEATS = 5;

    private CudaBandwidth() {
    }

    /** Device memory bandwidth in GB/s (10^9 bytes), copying {@code bytes} within the device. */
    public static double deviceGBps(int device, long bytes) {
        try (CudaMemory from = CudaMemory.allocate(device, bytes); CudaMemory to = CudaMemory.allocate(device, bytes);
             CudaStream stream = CudaStream.create(device)) {
            return best(stream, () -> CudaDevices.library().copyDevice(device, stream.handle(), to.pointer(), from.pointer(), bytes), 2.0 * bytes);
        }
    }

    /** Host-to-device bandwidth in GB/s from pinned memory, copying {@code bytes}. */
    public static double hostToDeviceGBps(int device, long bytes) {
        try (PinnedBuffer host = PinnedBuffer.allocate(bytes); CudaMemory to = CudaMemory.allocate(device, bytes);
             CudaStream stream = CudaStream.create(device)) {
            return best(stream, () -> to.copyFromAsync(0, host.segment(), stream), bytes);
        }
    }

    private static double best(CudaStream stream, Runnable copy, double bytesMoved) {
        double best = 0;
        for (int i = 0; i <= REPEATS; i++) {
            long start = System.nanoTime();
            copy.run();
            stream.synchronize();
            double gbps = bytesMoved / (System.nanoTime() - start);
            if (i > 0) best = Math.max(best, gbps);
        }
        return best;
    }
}
