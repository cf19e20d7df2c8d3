// Hearth's forward-pass kernels. Each entry point runs its kernel to completion (checked launch, then a
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

// The weight types the decode products read in place, each as a device function giving one row's dot product
// over a lane's share of it; GGUF's layouts, byte for byte. Type codes are GGUF's (ggml_type).
constexpr int TYPE_F16 = 1, TYPE_Q4_0 = 2, TYPE_Q8_0 = 8, TYPE_BF16 = 30;
constexpr int Q4_0_BLOCK_BYTES = 18;   // an fp16 scale, then 16 bytes of nibbles: low nibbles are weights 0..15

__device__ float half_at(const uint8_t *p) {
    __half_raw raw;
    raw.x = (unsigned short) (p[0] | (p[1] << 8));
    return __half2float(__half(raw));
}

__device__ float row_dot_q8_0(const uint8_t *w, const float *x, int cols, int lane) {
    float sum = 0.0f;
    for (int b = lane; b < cols / Q8_0_BLOCK; b += WARP) {
        const uint8_t *block = w + (size_t) b * Q8_0_BLOCK_BYTES;
        const int8_t *q = (const int8_t *) (block + 2);
        const float *v = x + b * Q8_0_BLOCK;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < Q8_0_BLOCK; j++) s += q[j] * v[j];
        sum += half_at(block) * s;
    }
    return sum;
}

__device__ float row_dot_q4_0(const uint8_t *w, const float *x, int cols, int lane) {
    float sum = 0.0f;
    for (int b = lane; b < cols / 32; b += WARP) {
        const uint8_t *block = w + (size_t) b * Q4_0_BLOCK_BYTES;
        const uint8_t *q = block + 2;
        const float *v = x + b * 32;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < 16; j++) s += ((q[j] & 0x0F) - 8) * v[j] + ((q[j] >> 4) - 8) * v[j + 16];
        sum += half_at(block) * s;
    }
    return sum;
}

__device__ float row_dot_f16(const uint8_t *w, const float *x, int cols, int lane) {
    const __half *h = (const __half *) w;
    float sum = 0.0f;
    for (int i = lane * 2; i + 1 < cols; i += WARP * 2) {
        float2 pair = __half22float2(*(const __half2 *) (h + i));
        sum += pair.x * x[i] + pair.y * x[i + 1];
    }
    return sum;
}

__device__ float row_dot_bf16(const uint8_t *w, const float *x, int cols, int lane) {
    const unsigned short *h = (const unsigned short *) w;
    float sum = 0.0f;
    for (int i = lane; i < cols; i += WARP) sum += __uint_as_float(((unsigned int) h[i]) << 16) * x[i];
    return sum;
}

// out[t][r] = dot(W[r], x[t]) for tokens t (grid.y), one warp per row: memory-bound decode-style products, each
// weight byte read once per token. Row r starts at r * row_bytes.
template <int TYPE>
__global__ void matmul_kernel(float *out, const uint8_t *weights, const float *x, int rows, int cols, size_t row_bytes) {
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (row >= rows) return;
    int lane = threadIdx.x % WARP;
    int token = blockIdx.y;
    const uint8_t *w = weights + (size_t) row * row_bytes;
    const float *v = x + (size_t) token * cols;
    float sum;
    if (TYPE == TYPE_Q8_0) sum = row_dot_q8_0(w, v, cols, lane);
    else if (TYPE == TYPE_Q4_0) sum = row_dot_q4_0(w, v, cols, lane);
    else if (TYPE == TYPE_F16) sum = row_dot_f16(w, v, cols, lane);
    else sum = row_dot_bf16(w, v, cols, lane);
    sum = warp_sum(sum);
    if (lane == 0) out[(size_t) token * rows + row] = sum;
}

// Rotates pairs of every head of every token by the angles of its position: cos/sin are [token][ropeDims/2], as
// the CPU backend computes them, so both backends turn by the same angles. adjacent: pairs (2i, 2i+1) (llama);
// else (i, i + ropeDims/2) (neox, qwen2). One thread per (token, head, pair).
__global__ void rope_kernel(float *x, int tokens, int heads, int head_dim, int rope_dims, const float *cos_table,
                            const float *sin_table, int adjacent) {
    int half = rope_dims / 2;
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) tokens * heads * half) return;
    int pair = (int) (i % half);
    int head = (int) ((i / half) % heads);
    int token = (int) (i / ((long long) half * heads));
    float *h = x + ((size_t) token * heads + head) * head_dim;
    int a = adjacent ? 2 * pair : pair;
    int b = adjacent ? a + 1 : pair + half;
    float c = cos_table[(size_t) token * half + pair], s = sin_table[(size_t) token * half + pair];
    float x0 = h[a], x1 = h[b];
    h[a] = x0 * c - x1 * s;
    h[b] = x0 * s + x1 * c;
}

// Writes each token's key and value rows into its KV slot (one layer's cache: [slot][kv_dim]).
__global__ void kv_store_kernel(float *cache_k, float *cache_v, const float *k, const float *v, const int *slots,
                                int tokens, int kv_dim) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) tokens * kv_dim) return;
    int token = (int) (i / kv_dim), d = (int) (i % kv_dim);
    size_t at = (size_t) slots[token] * kv_dim + d;
    cache_k[at] = k[i];
    cache_v[at] = v[i];
}

// Causal attention of each token's query over its own sequence's paged KV: the token's positions 0..length-1 live
// in slots table[offset .. offset + length) (the sequence's block table expanded to slots). One block per
// (token, head); scores go to scratch [token][head][max_length]; GQA maps head h to kv head h / (heads / kv_heads).
__global__ void attention_kernel(float *out, const float *q, const float *cache_k, const float *cache_v,
                                 const int *slot_table, const int *offsets, const int *lengths, int heads, int kv_heads,
                                 int head_dim, float scale, float *scratch, int max_length) {
    int token = blockIdx.x / heads, head = blockIdx.x % heads;
    int kv_dim = kv_heads * head_dim;
    int kv_offset = (head / (heads / kv_heads)) * head_dim;
    const float *query = q + ((size_t) token * heads + head) * head_dim;
    const int *slots = slot_table + offsets[token];
    int length = lengths[token];
    float *scores = scratch + ((size_t) token * heads + head) * max_length;
    __shared__ float reduce[WARP];
    __shared__ float shared_value;

    float local_max = -INFINITY;
    for (int p = threadIdx.x; p < length; p += blockDim.x) {
        const float *key = cache_k + (size_t) slots[p] * kv_dim + kv_offset;
        float s = 0.0f;
        for (int d = 0; d < head_dim; d++) s += key[d] * query[d];
        s *= scale;
        scores[p] = s;
        local_max = fmaxf(local_max, s);
    }
    for (int o = WARP / 2; o > 0; o /= 2) local_max = fmaxf(local_max, __shfl_down_sync(0xffffffffu, local_max, o));
    if (threadIdx.x % WARP == 0) reduce[threadIdx.x / WARP] = local_max;
    __syncthreads();
    if (threadIdx.x == 0) {
        float m = reduce[0];
        for (int w = 1; w < blockDim.x / WARP; w++) m = fmaxf(m, reduce[w]);
        shared_value = m;
    }
    __syncthreads();
    float max_score = shared_value;
    float local_sum = 0.0f;
    for (int p = threadIdx.x; p < length; p += blockDim.x) {
        float e = __expf(scores[p] - max_score);
        scores[p] = e;
        local_sum += e;
    }
    local_sum = warp_sum(local_sum);
    __syncthreads();
    if (threadIdx.x % WARP == 0) reduce[threadIdx.x / WARP] = local_sum;
    __syncthreads();
    if (threadIdx.x == 0) {
        float total = 0.0f;
        for (int w = 0; w < blockDim.x / WARP; w++) total += reduce[w];
        shared_value = 1.0f / total;
    }
    __syncthreads();
    float inverse = shared_value;
    float *result = out + ((size_t) token * heads + head) * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int p = 0; p < length; p++) acc += scores[p] * cache_v[(size_t) slots[p] * kv_dim + kv_offset + d];
        result[d] = acc * inverse;
    }
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

// x is [tokens][cols], out [tokens][rows]; row_bytes is one row's size in its type (Java checks the shapes).
int hearth_cuda_matmul(int device, int type, float *out, const void *weights, const float *x, int tokens, int rows, int cols,
                       long long row_bytes) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    const int rows_per_block = 8;
    dim3 grid((rows + rows_per_block - 1) / rows_per_block, tokens);
    const uint8_t *w = (const uint8_t *) weights;
    switch (type) {
        case TYPE_Q8_0: matmul_kernel<TYPE_Q8_0><<<grid, rows_per_block * WARP>>>(out, w, x, rows, cols, row_bytes); break;
        case TYPE_Q4_0: matmul_kernel<TYPE_Q4_0><<<grid, rows_per_block * WARP>>>(out, w, x, rows, cols, row_bytes); break;
        case TYPE_F16: matmul_kernel<TYPE_F16><<<grid, rows_per_block * WARP>>>(out, w, x, rows, cols, row_bytes); break;
        case TYPE_BF16: matmul_kernel<TYPE_BF16><<<grid, rows_per_block * WARP>>>(out, w, x, rows, cols, row_bytes); break;
        default: return (int) cudaErrorInvalidValue;
    }
    return finish();
}

int hearth_cuda_rope(int device, float *x, int tokens, int heads, int head_dim, int rope_dims, const float *cos_table,
                     const float *sin_table, int adjacent) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    long long n = (long long) tokens * heads * (rope_dims / 2);
    rope_kernel<<<(unsigned int) ((n + 255) / 256), 256>>>(x, tokens, heads, head_dim, rope_dims, cos_table, sin_table, adjacent);
    return finish();
}

int hearth_cuda_kv_store(int device, float *cache_k, float *cache_v, const float *k, const float *v, const int *slots,
                         int tokens, int kv_dim) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    long long n = (long long) tokens * kv_dim;
    kv_store_kernel<<<(unsigned int) ((n + 255) / 256), 256>>>(cache_k, cache_v, k, v, slots, tokens, kv_dim);
    return finish();
}

int hearth_cuda_attention(int device, float *out, const float *q, const float *cache_k, const float *cache_v,
                          const int *slot_table, const int *offsets, const int *lengths, int tokens, int heads,
                          int kv_heads, int head_dim, float scale, float *scratch, int max_length) {
    cudaError_t e = cudaSetDevice(device);
    if (e != cudaSuccess) return (int) e;
    attention_kernel<<<tokens * heads, 128>>>(out, q, cache_k, cache_v, slot_table, offsets, lengths, heads, kv_heads,
                                              head_dim, scale, scratch, max_length);
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

}
