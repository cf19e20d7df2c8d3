// Device memory for Hearth: allocations, and copies between host and device. Every entry point
// returns the cudaError_t of the first call that failed (0: success), like hearth_cuda.cu's.
#include <cuda_runtime.h>

extern "C" {

int hearth_cuda_malloc(int device, unsigned long long bytes, void **pointer) {
    *pointer = nullptr;
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    return (int) cudaMalloc(pointer, bytes);
}

int hearth_cuda_free(int device, void *pointer) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    return (int) cudaFree(pointer);
}

// Host to device, or device to host (to_device 0); synchronous: the host memory may be reused when it returns.
int hearth_cuda_copy(int device, void *destination, const void *source, unsigned long long bytes, int to_device) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    return (int) cudaMemcpy(destination, source, bytes, to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
}

}
