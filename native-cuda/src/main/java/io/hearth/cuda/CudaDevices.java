package io.hearth.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA devices of this machine, with their memory as it was when first asked. Discovery never throws: where there is no library in the build, no driver or no
 * device, it answers with no devices and the reason, so callers (the pool) fall back to the CPU and say why.
 */
public final class CudaDevices {
    /** @param unavailable why there are no devices (null when there are) */
    public record Discovery(List<CudaDevice> devices, String unavailable) {
        public Discovery {
            devices = List.copyOf(devices);
        }
    }

    private CudaDevices() {
    }

    /** The machine's devices, found on first use: the library is copied out and the driver asked once per JVM. */
    public static Discovery discover() {
        return Once.FOUND;
    }

    /** Free memory on {@code device} as the driver reports it now (not at discovery): what is left for other processes too. */
    public static long freeBytesNow(int device) {
        return library().device(device).freeBytes();
    }

    /** The bound library, for memory and kernels on a device discovery found; IllegalStateException where there is none. */
    static CudaLibrary library() {
        if (Once.LIBRARY == null) throw new IllegalStateException("no CUDA device: " + discover().unavailable());
        return Once.LIBRARY;
    }

    private static final class Once {
        /** Why the library could not be bound (set by {@link #bind}); null when it was. */
        static String unbound;
        static final CudaLibrary LIBRARY = bind();
        static final Discovery FOUND = find(LIBRARY);

        private static CudaLibrary bind() {
            try {
                return CudaLibrary.load();
            } catch (IllegalStateException | UnsatisfiedLinkError e) {
                unbound = e.getMessage();
                return null;
            }
        }
    }

    private static Discovery find(CudaLibrary library) {
        if (library == null) return new Discovery(List.of(), Once.unbound);
        try {
            int count = library.deviceCount();
            if (count == 0) return new Discovery(List.of(), "the CUDA driver reports no devices");
            List<CudaDevice> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) devices.add(library.device(i));
            return new Discovery(devices, null);
        } catch (CudaException e) {
            // without a driver, cudaGetDeviceCount answers 35 (driver version insufficient) or 100 (no device)
            return new Discovery(List.of(), e.getMessage());
        }
    }
}
