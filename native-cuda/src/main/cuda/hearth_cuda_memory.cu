// Memory for Hearth: device allocations, pinned host buffers, streams and events, and copies between host and
// device. Every entry point returns the cudaError_t of the first call that failed (0: success), like hearth_cuda.cu's.
#include <cuda_runtime.h>
#include "hearth_cuda_check.h"

extern "C" {

int hearth_cuda_malloc(int device, unsigned long long bytes, void **pointer) {
    *pointer = nullptr;
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaMalloc(pointer, bytes);
}

int hearth_cuda_free(int device, void *pointer) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaFree(pointer);
}

// Host to device, or device to host (to_device 0); synchronous: the host memory may be reused when it returns.
int hearth_cuda_copy(int device, void *destination, const void *source, unsigned long long bytes, int to_device) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaMemcpy(destination, source, bytes, to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
}

// As hearth_cuda_copy, queued on a stream: the host memory (pinned, for a copy the DMA engine does alone) must stay
// untouched until the stream has passed the copy (an event recorded after it, or a synchronize).
int hearth_cuda_copy_async(int device, void *stream, void *destination, const void *source, unsigned long long bytes,
                           int to_device) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaMemcpyAsync(destination, source, bytes, to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost,
                                 (cudaStream_t) stream);
}

// Device to device on a stream: the benchmark's measure of the memory bandwidth the kernels can reach.
int hearth_cuda_copy_device(int device, void *stream, void *destination, const void *source, unsigned long long bytes) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaMemcpyAsync(destination, source, bytes, cudaMemcpyDeviceToDevice, (cudaStream_t) stream);
}

// Page-locked host memory: copies from it run at PCIe speed and overlap with the host's work.
int hearth_cuda_host_alloc(unsigned long long bytes, void **pointer) {
    *pointer = nullptr;
    return (int) cudaHostAlloc(pointer, bytes, cudaHostAllocDefault);
}

int hearth_cuda_host_free(void *pointer) {
    return (int) cudaFreeHost(pointer);
}

// A stream of its own per replica (and one for uploads), so replicas on one device do not wait for each other.
int hearth_cuda_stream_create(int device, void **stream) {
    *stream = nullptr;
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaStreamCreateWithFlags((cudaStream_t *) stream, cudaStreamNonBlocking);
}

int hearth_cuda_stream_destroy(int device, void *stream) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaStreamDestroy((cudaStream_t) stream);
}

// Waits for everything queued on the stream; a fault inside one of its kernels is reported here.
int hearth_cuda_stream_synchronize(int device, void *stream) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaStreamSynchronize((cudaStream_t) stream);
}

int hearth_cuda_event_create(int device, void **event) {
    *event = nullptr;
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaEventCreateWithFlags((cudaEvent_t *) event, cudaEventDisableTiming);
}

int hearth_cuda_event_destroy(int device, void *event) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaEventDestroy((cudaEvent_t) event);
}

int hearth_cuda_event_record(int device, void *event, void *stream) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaEventRecord((cudaEvent_t) event, (cudaStream_t) stream);
}

int hearth_cuda_event_synchronize(int device, void *event) {
    HEARTH_TRY(cudaSetDevice(device));
    return (int) cudaEventSynchronize((cudaEvent_t) event);
}

}
