package io.hearth.cuda;

/**
 * One CUDA device as the driver reports it at discovery.
 *
 * @param index      the runtime's device number: the pool's {@code cuda:<index>}
 * @param major      compute capability, major (8: Ampere and Ada, 9: Hopper)
 * @param freeBytes  device memory free when it was asked
 */
public record CudaDevice(int index, String name, int major, int minor, long totalBytes, long freeBytes) {
    public String id() {
        return "cuda:" + index;
    }
}
