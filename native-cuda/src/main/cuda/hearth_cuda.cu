// Hearth's CUDA library: plain extern "C" entry points called from Java through FFM. Each returns the cudaError_t of
// the first call that failed (0: success) and answers through out-parameters, so Java names the failing call and
// turns the code into a typed exception. An FFM call costs tens of nanoseconds, far less than the kernel launch it
// makes, so Java drives a step kernel by kernel; what a step must avoid is waiting, so kernels queue on a stream.
#include <cuda_runtime.h>
#include <string.h>

extern "C" {

int hearth_cuda_device_count(int *count) {
    *count = 0;
    return (int) cudaGetDeviceCount(count);
}

// The device's name (NUL-terminated, cut to name_capacity), compute capability and memory as the driver reports it now.
int hearth_cuda_device_info(int device, char *name, int name_capacity, int *major, int *minor,
                            unsigned long long *total_bytes, unsigned long long *free_bytes) {
    cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, device);
    if (e != cudaSuccess) return (int) e;
    strncpy(name, prop.name, name_capacity - 1);
    name[name_capacity - 1] = '\0';
    *major = prop.major;
    *minor = prop.minor;
    e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    size_t free_memory = 0, total_memory = 0;
    e = cudaMemGetInfo(&free_memory, &total_memory);
    if (e != cudaSuccess) return (int) e;
    *total_bytes = total_memory;
    *free_bytes = free_memory;
    return 0;
}

// The runtime's text for an error code (a static string: never freed).
const char *hearth_cuda_error_string(int error) {
    return cudaGetErrorString((cudaError_t) error);
}

}
