package io.hearth.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Discovery on any machine: with a GPU it lists the devices with sensible memory; without one (or without the
 * library in the build) it lists none and says why, through the real library call where the library was built.
 */
class CudaDevicesTest {
    @Test
    void withoutADeviceDiscoverySaysWhyInsteadOfFailing() {
        CudaDevices.Discovery found = CudaDevices.discover();
        if (!found.devices().isEmpty()) {
            assertNull(found.unavailable());
            return;
        }
        assertFalse(found.unavailable() == null || found.unavailable().isBlank(), "a reason is given");
        if (CudaLibrary.bundled()) {
            assertTrue(found.unavailable().contains("cudaGetDeviceCount") || found.unavailable().contains("no devices"),
                    "the library was loaded and asked the driver: " + found.unavailable());
        } else {
            assertTrue(found.unavailable().contains("nvcc"), found.unavailable());
        }
    }

    @Test
    void onAGpuEachDeviceHasANameACapabilityAndItsMemory() {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(found.devices().isEmpty(), "no CUDA device here: " + found.unavailable());
        for (CudaDevice d : found.devices()) {
            assertFalse(d.name().isBlank(), d.toString());
            assertTrue(d.major() >= 8, "the library is built for sm_80 and newer: " + d);
            assertTrue(d.totalBytes() > 0 && d.freeBytes() > 0 && d.freeBytes() <= d.totalBytes(), d.toString());
        }
    }

    /** Where the library is built but no device answers, memory is refused by the real cudaMalloc, named in the error. */
    @Test
    void withoutADeviceMemoryIsRefusedNamingTheCall() {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(!found.devices().isEmpty(), "a device is here: CudaKernelsTest covers it");
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> CudaMemory.allocate(0, 1024));
        if (CudaLibrary.bundled()) {
            assertTrue(refused instanceof CudaException && refused.getMessage().contains("cudaMalloc"), refused.toString());
        } else {
            assertTrue(refused.getMessage().contains("nvcc"), refused.getMessage());
        }
        assertTrue(CudaMemory.allocatedBytes(0) == 0, "nothing is counted for a refused allocation");
    }
}
