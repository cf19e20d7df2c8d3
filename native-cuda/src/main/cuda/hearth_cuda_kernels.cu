// Hearth's forward-pass kernels. Each entry point launches its kernel on the caller's stream and returns at once
// with the launch's cudaError_t (a bad configuration shows here; a fault inside a kernel shows at the stream's next
// synchronize, which Java names). Nothing here synchronizes, so a step's kernels queue back to back on the GPU and
// the host runs ahead of them.
#include <cuda_runtime.h>
#include "hearth_cuda_check.h"
#include <cuda_fp16.h>
#include <mma.h>
#include <stdint.h>

namespace {

constexpr int WARP = 32;

__device__ float warp_sum(float v) {
    for (int offset = WARP / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

// Weight types read in place, GGUF's layouts byte for byte; codes are GGUF's (ggml_type). Each type reads its row in
// chunks: CHUNK weights at a time (a quantized type's block; a pair for float types), dequantized into registers.
constexpr int TYPE_F32 = 0, TYPE_F16 = 1, TYPE_Q4_0 = 2, TYPE_Q8_0 = 8, TYPE_BF16 = 30;

__device__ float half_at(const uint8_t *p) {
    __half_raw raw;
    raw.x = (unsigned short) (p[0] | (p[1] << 8));
    return __half2float(__half(raw));
}

template <int TYPE> struct Weights;

template <> struct Weights<TYPE_Q8_0> {
    static constexpr int CHUNK = 32, CHUNK_BYTES = 34;  // an fp16 scale, then 32 int8 weights
    __device__ static void load(const uint8_t *row, int chunk, float *w) {
        const uint8_t *block = row + (size_t) chunk * CHUNK_BYTES;
        float d = half_at(block);
        const int8_t *q = (const int8_t *) (block + 2);
#pragma unroll
        for (int j = 0; j < CHUNK; j++) w[j] = d * q[j];
    }
};

template <> struct Weights<TYPE_Q4_0> {
    static constexpr int CHUNK = 32, CHUNK_BYTES = 18;  // an fp16 scale, then 16 bytes: low nibbles weights 0..15
    __device__ static void load(const uint8_t *row, int chunk, float *w) {
        const uint8_t *block = row + (size_t) chunk * CHUNK_BYTES;
        float d = half_at(block);
        const uint8_t *q = block + 2;
#pragma unroll
        for (int j = 0; j < 16; j++) {
            w[j] = d * ((q[j] & 0x0F) - 8);
            w[j + 16] = d * ((q[j] >> 4) - 8);
        }
    }
};

template <> struct Weights<TYPE_F16> {
    static constexpr int CHUNK = 2, CHUNK_BYTES = 4;
    __device__ static void load(const uint8_t *row, int chunk, float *w) {
        float2 pair = __half22float2(*(const __half2 *) (row + (size_t) chunk * CHUNK_BYTES));
        w[0] = pair.x;
        w[1] = pair.y;
    }
};

template <> struct Weights<TYPE_BF16> {
    static constexpr int CHUNK = 2, CHUNK_BYTES = 4;
    __device__ static void load(const uint8_t *row, int chunk, float *w) {
        unsigned int both = *(const unsigned int *) (row + (size_t) chunk * CHUNK_BYTES);
        w[0] = __uint_as_float(both << 16);
        w[1] = __uint_as_float(both & 0xFFFF0000u);
    }
};

template <> struct Weights<TYPE_F32> {
    static constexpr int CHUNK = 2, CHUNK_BYTES = 8;
    __device__ static void load(const uint8_t *row, int chunk, float *w) {
        float2 pair = *(const float2 *) (row + (size_t) chunk * CHUNK_BYTES);
        w[0] = pair.x;
        w[1] = pair.y;
    }
};

// out[t][r] = dot(W[r], x[t]): one warp per row and TOKENS tokens at once, so each weight is read from memory once
// per TOKENS tokens (decode is bound by reading weights; a batch of sequences shares each read).
template <int TYPE, int TOKENS>
__global__ void matvec_kernel(float *out, const uint8_t *weights, const float *x, int tokens, int rows, int cols,
                              size_t row_bytes) {
    using W = Weights<TYPE>;
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    if (row >= rows) return;
    int lane = threadIdx.x % WARP;
    int first = blockIdx.y * TOKENS;
    int count = min(TOKENS, tokens - first);
    const uint8_t *w_row = weights + (size_t) row * row_bytes;
    float sum[TOKENS];
#pragma unroll
    for (int t = 0; t < TOKENS; t++) sum[t] = 0.0f;
    float w[W::CHUNK];
    for (int chunk = lane; chunk < cols / W::CHUNK; chunk += WARP) {
        W::load(w_row, chunk, w);
#pragma unroll
        for (int t = 0; t < TOKENS; t++) {
            if (t < count) {
                const float *v = x + (size_t) (first + t) * cols + chunk * W::CHUNK;
#pragma unroll
                for (int j = 0; j < W::CHUNK; j++) sum[t] += w[j] * v[j];
            }
        }
    }
#pragma unroll
    for (int t = 0; t < TOKENS; t++) {
        float s = warp_sum(sum[t]);
        if (lane == 0 && t < count) out[(size_t) (first + t) * rows + row] = s;
    }
}

// Prefill's products on tensor cores: a block computes a 64-row × 64-token tile of out, stepping through K in
// slices of 32: weights are dequantized and activations rounded to fp16 into shared memory, four warps multiply
// them with WMMA 16×16×16 fragments (fp32 accumulators), each warp a 32×32 quarter. Needs cols % 32 == 0.
constexpr int TILE_ROWS = 64, TILE_TOKENS = 64, TILE_K = 32, TILE_PAD = 8;

template <int TYPE>
__global__ void gemm_kernel(float *out, const uint8_t *weights, const float *x, int tokens, int rows, int cols,
                            size_t row_bytes) {
    using namespace nvcuda;
    using W = Weights<TYPE>;
    // WMMA loads and stores need 32-byte aligned addresses: rows of 40 halves and quarters of 1024 floats keep it
    __shared__ __align__(32) __half w_tile[TILE_ROWS][TILE_K + TILE_PAD];
    __shared__ __align__(32) __half x_tile[TILE_TOKENS][TILE_K + TILE_PAD];
    __shared__ __align__(32) float result[4][32 * 32];
    int row0 = blockIdx.x * TILE_ROWS, token0 = blockIdx.y * TILE_TOKENS;
    int warp = threadIdx.x / WARP, lane = threadIdx.x % WARP;
    int warp_row = (warp / 2) * 32, warp_token = (warp % 2) * 32;
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.0f);

    constexpr int CHUNKS_PER_ROW = TILE_K / W::CHUNK;
    for (int k0 = 0; k0 < cols; k0 += TILE_K) {
        // weights: each thread dequantizes whole chunks of the tile's 64 rows
        for (int c = threadIdx.x; c < TILE_ROWS * CHUNKS_PER_ROW; c += blockDim.x) {
            int r = c / CHUNKS_PER_ROW, chunk = c % CHUNKS_PER_ROW;
            float w[W::CHUNK];
            if (row0 + r < rows) {
                W::load(weights + (size_t) (row0 + r) * row_bytes, k0 / W::CHUNK + chunk, w);
            } else {
#pragma unroll
                for (int j = 0; j < W::CHUNK; j++) w[j] = 0.0f;
            }
#pragma unroll
            for (int j = 0; j < W::CHUNK; j++) w_tile[r][chunk * W::CHUNK + j] = __float2half(w[j]);
        }
        for (int i = threadIdx.x; i < TILE_TOKENS * TILE_K; i += blockDim.x) {
            int t = i / TILE_K, k = i % TILE_K;
            x_tile[t][k] = __float2half(token0 + t < tokens ? x[(size_t) (token0 + t) * cols + k0 + k] : 0.0f);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE_K; kk += 16) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b[2];
#pragma unroll
            for (int i = 0; i < 2; i++) wmma::load_matrix_sync(a[i], &w_tile[warp_row + i * 16][kk], TILE_K + TILE_PAD);
#pragma unroll
            for (int j = 0; j < 2; j++) wmma::load_matrix_sync(b[j], &x_tile[warp_token + j * 16][kk], TILE_K + TILE_PAD);
#pragma unroll
            for (int i = 0; i < 2; i++)
#pragma unroll
                for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    // through shared memory, so the edges of out are written only where rows and tokens exist
    float *mine = result[warp];
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++) wmma::store_matrix_sync(mine + j * 16 * 32 + i * 16, acc[i][j], 32, wmma::mem_col_major);
    __syncwarp();
    for (int e = lane; e < 32 * 32; e += WARP) {
        int t = e / 32, r = e % 32;
        int row = row0 + warp_row + r, token = token0 + warp_token + t;
        if (row < rows && token < tokens) out[(size_t) token * rows + row] = mine[e];
    }
}

// Embedding lookup: out[t] = dequantized row tokens[t] of the table, one block per token.
template <int TYPE>
__global__ void embed_kernel(float *out, const uint8_t *table, const int *token_ids, int cols, size_t row_bytes) {
    using W = Weights<TYPE>;
    const uint8_t *row = table + (size_t) token_ids[blockIdx.x] * row_bytes;
    float *result = out + (size_t) blockIdx.x * cols;
    float w[W::CHUNK];
    for (int chunk = threadIdx.x; chunk < cols / W::CHUNK; chunk += blockDim.x) {
        W::load(row, chunk, w);
#pragma unroll
        for (int j = 0; j < W::CHUNK; j++) result[chunk * W::CHUNK + j] = w[j];
    }
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
// A warp scores a position at a time (lanes across the head's dimensions, so key reads are coalesced).
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
    int warp = threadIdx.x / WARP, lane = threadIdx.x % WARP, warps = blockDim.x / WARP;
    __shared__ float reduce[WARP];
    __shared__ float shared_value;

    float local_max = -INFINITY;
    for (int p = warp; p < length; p += warps) {
        const float *key = cache_k + (size_t) slots[p] * kv_dim + kv_offset;
        float s = 0.0f;
        for (int d = lane; d < head_dim; d += WARP) s += key[d] * query[d];
        s = __shfl_sync(0xffffffffu, warp_sum(s), 0) * scale;
        if (lane == 0) scores[p] = s;
        local_max = fmaxf(local_max, s);
    }
    if (lane == 0) reduce[warp] = local_max;
    __syncthreads();
    if (threadIdx.x == 0) {
        float m = reduce[0];
        for (int w = 1; w < warps; w++) m = fmaxf(m, reduce[w]);
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
    if (lane == 0) reduce[warp] = local_sum;
    __syncthreads();
    if (threadIdx.x == 0) {
        float total = 0.0f;
        for (int w = 0; w < warps; w++) total += reduce[w];
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

// x[i] += y[i % period] for n floats: residual adds (period n) and bias rows (period the row length).
__global__ void add_kernel(float *x, const float *y, long long n, long long period) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] += y[i % period];
}

unsigned int blocks_for(long long n, int threads) {
    return (unsigned int) ((n + threads - 1) / threads);
}

template <int TYPE>
void launch_matmul(cudaStream_t stream, float *out, const uint8_t *w, const float *x, int tokens, int rows, int cols,
                   size_t row_bytes) {
    const int rows_per_block = 8;
    if (tokens >= 16 && cols % TILE_K == 0) {
        dim3 grid((rows + TILE_ROWS - 1) / TILE_ROWS, (tokens + TILE_TOKENS - 1) / TILE_TOKENS);
        gemm_kernel<TYPE><<<grid, 4 * WARP, 0, stream>>>(out, w, x, tokens, rows, cols, row_bytes);
    } else if (tokens == 1) {
        matvec_kernel<TYPE, 1><<<dim3((rows + rows_per_block - 1) / rows_per_block, 1), rows_per_block * WARP, 0, stream>>>(
                out, w, x, tokens, rows, cols, row_bytes);
    } else {
        dim3 grid((rows + rows_per_block - 1) / rows_per_block, (tokens + 7) / 8);
        matvec_kernel<TYPE, 8><<<grid, rows_per_block * WARP, 0, stream>>>(out, w, x, tokens, rows, cols, row_bytes);
    }
}

template <int TYPE>
void launch_embed(cudaStream_t stream, float *out, const uint8_t *table, const int *token_ids, int tokens, int cols,
                  size_t row_bytes) {
    embed_kernel<TYPE><<<tokens, 256, 0, stream>>>(out, table, token_ids, cols, row_bytes);
}

int launched() {
    return (int) cudaGetLastError();
}

}  // namespace

extern "C" {

// x is [tokens][cols], out [tokens][rows]; row_bytes is one row's size in its type (Java checks the shapes).
// Batches of 16 tokens and more (prefill) go to the tensor-core kernel, smaller ones (decode) to the warp-per-row one.
int hearth_cuda_matmul(int device, void *stream, int type, float *out, const void *weights, const float *x, int tokens,
                       int rows, int cols, long long row_bytes) {
    HEARTH_TRY(cudaSetDevice(device));
    cudaStream_t s = (cudaStream_t) stream;
    const uint8_t *w = (const uint8_t *) weights;
    switch (type) {
        case TYPE_Q8_0: launch_matmul<TYPE_Q8_0>(s, out, w, x, tokens, rows, cols, row_bytes); break;
        case TYPE_Q4_0: launch_matmul<TYPE_Q4_0>(s, out, w, x, tokens, rows, cols, row_bytes); break;
        case TYPE_F16: launch_matmul<TYPE_F16>(s, out, w, x, tokens, rows, cols, row_bytes); break;
        case TYPE_BF16: launch_matmul<TYPE_BF16>(s, out, w, x, tokens, rows, cols, row_bytes); break;
        case TYPE_F32: launch_matmul<TYPE_F32>(s, out, w, x, tokens, rows, cols, row_bytes); break;
        default: return (int) cudaErrorInvalidValue;
    }
    return launched();
}

int hearth_cuda_embed(int device, void *stream, int type, float *out, const void *table, const int *token_ids, int tokens,
                      int cols, long long row_bytes) {
    HEARTH_TRY(cudaSetDevice(device));
    cudaStream_t s = (cudaStream_t) stream;
    const uint8_t *t = (const uint8_t *) table;
    switch (type) {
        case TYPE_Q8_0: launch_embed<TYPE_Q8_0>(s, out, t, token_ids, tokens, cols, row_bytes); break;
        case TYPE_Q4_0: launch_embed<TYPE_Q4_0>(s, out, t, token_ids, tokens, cols, row_bytes); break;
        case TYPE_F16: launch_embed<TYPE_F16>(s, out, t, token_ids, tokens, cols, row_bytes); break;
        case TYPE_BF16: launch_embed<TYPE_BF16>(s, out, t, token_ids, tokens, cols, row_bytes); break;
        case TYPE_F32: launch_embed<TYPE_F32>(s, out, t, token_ids, tokens, cols, row_bytes); break;
        default: return (int) cudaErrorInvalidValue;
    }
    return launched();
}

int hearth_cuda_rope(int device, void *stream, float *x, int tokens, int heads, int head_dim, int rope_dims,
                     const float *cos_table, const float *sin_table, int adjacent) {
    HEARTH_TRY(cudaSetDevice(device));
    long long n = (long long) tokens * heads * (rope_dims / 2);
    rope_kernel<<<blocks_for(n, 256), 256, 0, (cudaStream_t) stream>>>(x, tokens, heads, head_dim, rope_dims, cos_table,
                                                                       sin_table, adjacent);
    return launched();
}

int hearth_cuda_kv_store(int device, void *stream, float *cache_k, float *cache_v, const float *k, const float *v,
                         const int *slots, int tokens, int kv_dim) {
    HEARTH_TRY(cudaSetDevice(device));
    long long n = (long long) tokens * kv_dim;
    kv_store_kernel<<<blocks_for(n, 256), 256, 0, (cudaStream_t) stream>>>(cache_k, cache_v, k, v, slots, tokens, kv_dim);
    return launched();
}

int hearth_cuda_attention(int device, void *stream, float *out, const float *q, const float *cache_k,
                          const float *cache_v, const int *slot_table, const int *offsets, const int *lengths,
                          int tokens, int heads, int kv_heads, int head_dim, float scale, float *scratch,
                          int max_length) {
    HEARTH_TRY(cudaSetDevice(device));
    attention_kernel<<<tokens * heads, 128, 0, (cudaStream_t) stream>>>(out, q, cache_k, cache_v, slot_table, offsets,
                                                                        lengths, heads, kv_heads, head_dim, scale,
                                                                        scratch, max_length);
    return launched();
}

int hearth_cuda_swiglu(int device, void *stream, float *gate, const float *up, long long n) {
    HEARTH_TRY(cudaSetDevice(device));
    swiglu_kernel<<<blocks_for(n, 256), 256, 0, (cudaStream_t) stream>>>(gate, up, n);
    return launched();
}

int hearth_cuda_add(int device, void *stream, float *x, const float *y, long long n, long long period) {
    HEARTH_TRY(cudaSetDevice(device));
    add_kernel<<<blocks_for(n, 256), 256, 0, (cudaStream_t) stream>>>(x, y, n, period);
    return launched();
}

int hearth_cuda_rmsnorm(int device, void *stream, float *out, const float *x, const float *weight, int rows, int n,
                        float eps) {
    HEARTH_TRY(cudaSetDevice(device));
    rmsnorm_kernel<<<rows, 256, 0, (cudaStream_t) stream>>>(out, x, weight, n, eps);
    return launched();
}

}
