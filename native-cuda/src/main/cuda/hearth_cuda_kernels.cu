// Hearth's first forward-pass kernels. Each entry point runs its kernel to completion (checked launch, then a
// synchronize) and returns the first cudaError_t met, so Java can name the call that failed.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <stdint.h>

namespace {

constexpr int WARP = 32;
constexpr int Q8_0_BLOCK = 32;         // weights per Q8_0 block
constexpr int Q8_0_BLOCK_BYTES = 34;   // an fp16 scale, then 32 int8 weights (GGUF's layout, unaligned)

__device__ float warp_sum(float v) {
    for (int offset = WARP / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight, one block per row of n.
__global__ void rmsnorm_kernel(float *out, const float *x, const float *weight, int n, float eps) {
    const float *row = x + (size_t) blockIdx.x * n;
    float *result = out + (size_t) blockIdx.x * n;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < n; i += blockDim.x) sum += row[i] * row[i];
    __shared__ float partial[WARP];
    sum = warp_sum(sum);
    if (threadIdx.x % WARP == 0) partial[threadIdx.x / WARP] = sum;
    __syncthreads();
    if (threadIdx.x < WARP) {
        sum = threadIdx.x < blockDim.x / WARP ? partial[threadIdx.x] : 0.0f;
        sum = warp_sum(sum);
        if (threadIdx.x == 0) partial[0] = sum;
    }
    __syncthreads();
    float scale = rsqrtf(partial[0] / n + eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) result[i] = row[i] * scale * weight[i];
}

// out[r] = dot(W[r], x) for Q8_0 weights, one warp per row: memory-bound decode, each weight byte read once.
__global__ void gemv_q8_0_kernel(float *out, const uint8_t *weights, const float *x, int rows, int cols) {
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (row >= rows) return;
    int lane = threadIdx.x % WARP;
    int blocks = cols / Q8_0_BLOCK;
    const uint8_t *w = weights + (size_t) row * blocks * Q8_0_BLOCK_BYTES;
    float sum = 0.0f;
    for (int b = lane; b < blocks; b += WARP) {
        const uint8_t *block = w + (size_t) b * Q8_0_BLOCK_BYTES;
        __half_raw raw;
        raw.x = (unsigned short) (block[0] | (block[1] << 8));
        float d = __half2float(__half(raw));
        const int8_t *q = (const int8_t *) (block + 2);
        const float *v = x + b * Q8_0_BLOCK;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < Q8_0_BLOCK; j++) s += q[j] * v[j];
        sum += d * s;
    }
    sum = warp_sum(sum);
    if (lane == 0) out[row] = sum;
}

// out[r] = dot(W[r], x) for F16 weights, one warp per row, each lane reading two halves at a time.
__global__ void gemv_f16_kernel(float *out, const __half *weights, const float *x, int rows, int cols) {
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (row >= rows) return;
    int lane = threadIdx.x % WARP;
    const __half *w = weights + (size_t) row * cols;
    float sum = 0.0f;
    for (int i = lane * 2; i + 1 < cols; i += WARP * 2) {
        float2 pair = __half22float2(*(const __half2 *) (w + i));
        sum += pair.x * x[i] + pair.y * x[i + 1];
    }
    if ((cols & 1) && lane == 0) sum += __half2float(w[cols - 1]) * x[cols - 1];
    sum = warp_sum(sum);
    if (lane == 0) out[row] = sum;
}

// gate[i] = silu(gate[i]) * up[i]: the FFN's SwiGLU, in place.
__global__ void swiglu_kernel(float *gate, const float *up, long long n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float g = gate[i];
        gate[i] = g / (1.0f + __expf(-g)) * up[i];
    }
}

int finish() {
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return (int) e;
    return (int) cudaDeviceSynchronize();
}

}  // namespace

extern "C" {

// cols must be even (the rows of every model's matrices are); rows start 4-byte aligned then.
int hearth_cuda_gemv_f16(int device, float *out, const void *weights, const float *x, int rows, int cols) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    const int rows_per_block = 8;
    gemv_f16_kernel<<<(rows + rows_per_block - 1) / rows_per_block, rows_per_block * WARP>>>(out, (const __half *) weights, x, rows, cols);
    return finish();
}

int hearth_cuda_swiglu(int device, float *gate, const float *up, long long n) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    swiglu_kernel<<<(unsigned int) ((n + 255) / 256), 256>>>(gate, up, n);
    return finish();
}

int hearth_cuda_rmsnorm(int device, float *out, const float *x, const float *weight, int rows, int n, float eps) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    rmsnorm_kernel<<<rows, 256>>>(out, x, weight, n, eps);
    return finish();
}

// cols must be a multiple of 32 (every Q8_0 tensor's rows are).
int hearth_cuda_gemv_q8_0(int device, float *out, const void *weights, const float *x, int rows, int cols) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    const int rows_per_block = 8;
    gemv_q8_0_kernel<<<(rows + rows_per_block - 1) / rows_per_block, rows_per_block * WARP>>>(
            out, (const uint8_t *) weights, x, rows, cols);
    return finish();
}

}
