/*
 * Hearth's CPU kernels: weights stored as Q8_0 or Q4_0 blocks times activations quantized once per product to int8
 * blocks (llama.cpp's Q8_0 scheme, the scale kept as a float), with integer dot products: the multiply-add of
 * bytes into 32-bit sums that Java's Vector API cannot express (vpmaddubsw, vpdpbusd).
 *
 * This file is compiled once per instruction set (ISA_SUFFIX names the copy: _avx2, _vnni), with the flags of that
 * set; hearth_cpu.c picks a copy at run time. Every function writes out[t * out_stride + r] for the rows [r0, r1) and
 * the tokens [0, tokens): Java's worker threads each take a range of rows.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define NAME(n) CAT(n, ISA_SUFFIX)

/* A block of 32 activations: its scale and its bytes (36 bytes; Java sizes its buffers by this). */
typedef struct {
    float d;
    int8_t q[32];
} block_q8;

#define Q8_0_BYTES 34
#define Q4_0_BYTES 18
/* Rows a tile keeps in cache while every token of the product passes them. */
#define ROW_TILE 16
/* Tokens that share each unpacked weight block. */
#define TOKENS_AT_ONCE 4

static inline float half_to_float(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/* 32 signed byte products summed into 8 int32 lanes, as floats. */
static inline __m256 dot_i8(__m256i w, __m256i x) {
    __m256i aw = _mm256_sign_epi8(w, w);   /* |w|, read as unsigned */
    __m256i sx = _mm256_sign_epi8(x, w);   /* x with w's sign */
#ifdef USE_VNNI
    return _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_setzero_si256(), aw, sx));
#else
    __m256i pairs = _mm256_maddubs_epi16(aw, sx);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
#endif
}

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* A Q4_0 block's 32 weights as signed bytes: low nibbles are elements 0..15, high nibbles 16..31, minus 8. */
static inline __m256i unpack_q4_0(const uint8_t *qs) {
    __m128i packed = _mm_loadu_si128((const __m128i *) qs);
    __m128i lo = _mm_and_si128(packed, _mm_set1_epi8(0x0F));
    __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0F));
    __m256i both = _mm256_set_m128i(hi, lo);
    return _mm256_sub_epi8(both, _mm256_set1_epi8(8));
}

void NAME(hearth_quantize_q8)(const float *x, int64_t n, block_q8 *out) {
    for (int64_t b = 0; b < n / 32; b++) {
        const float *v = x + b * 32;
        __m256 amax = _mm256_setzero_ps();
        const __m256 sign = _mm256_set1_ps(-0.0f);
        int not_finite = 0; /* a NaN or an infinity: max would drop a NaN, and the bytes could not say it */
        for (int j = 0; j < 32; j += 8) {
            __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(v + j));
            not_finite |= _mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(INFINITY), _CMP_NLT_UQ));
            amax = _mm256_max_ps(amax, a);
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        float max = _mm_cvtss_f32(m);
        /* the scale as llama.cpp stores it (an f16), so the products match its quantized path */
        float d = _cvtsh_ss(_cvtss_sh(max / 127.0f, _MM_FROUND_TO_NEAREST_INT));
        /* as llama.cpp's x86 quantize_row_q8_0 computes it */
        float id = max != 0.0f ? 127.0f / max : 0.0f;
        out[b].d = not_finite ? NAN : d; /* the block's products come out NaN, as the float path's would */
        __m256 mul = _mm256_set1_ps(id);
        __m256i q[4];
        for (int j = 0; j < 4; j++) {
            __m256 scaled = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(v + 8 * j), mul), _MM_ROUND_NEAREST | _MM_FROUND_NO_EXC);
            q[j] = _mm256_cvtps_epi32(scaled);
        }
        /* 4 × 8 int32 → 32 int8 in order: pack, then undo the lane interleave of the packs */
        __m256i p01 = _mm256_packs_epi32(q[0], q[1]);
        __m256i p23 = _mm256_packs_epi32(q[2], q[3]);
        __m256i bytes = _mm256_packs_epi16(p01, p23);
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256((__m256i *) out[b].q, bytes);
    }
}

/*
 * A tile of rows unpacked once to signed bytes and float scales, for products with many tokens: each weight block is
 * then read by every token group from cache, without unpacking or converting its scale again. One per thread, grown
 * to ROW_TILE rows of the widest matrix it met; C cannot free it when a Java thread ends, so a backend's workers, which
 * end when it closes, leave theirs (16 × columns bytes and the scales) behind.
 */
typedef struct {
    int64_t capacity;
    int8_t *q;
    float *d;
} tile_buffer;

static __thread tile_buffer tile;

static int ensure_tile(int64_t values) {
    if (tile.capacity >= values) return 1;
    free(tile.q);
    free(tile.d);
    tile.q = aligned_alloc(32, (size_t) values);
    tile.d = malloc(sizeof(float) * (size_t) (values / 32));
    tile.capacity = tile.q && tile.d ? values : 0;
    return tile.capacity > 0;
}

/* Tokens k of the group: acc[k] += the block's scales times its integer dot product with the token's block b. */
#define ACCUMULATE(WQ, DW)                                                                                            \
    for (int k = 0; k < nt; k++) {                                                                                    \
        const block_q8 *xb = x + (int64_t) (t0 + k) * nb + b;                                                         \
        const __m256i xq = _mm256_loadu_si256((const __m256i *) xb->q);                                               \
        acc[k] = _mm256_fmadd_ps(_mm256_set1_ps((DW) * xb->d), dot_i8((WQ), xq), acc[k]);                             \
    }

#define ROWS_KERNEL(fname, BYTES, LOAD)                                                                                \
void NAME(fname)(const uint8_t *w, int64_t row_bytes, int64_t r0, int64_t r1, int cols, const block_q8 *x, int tokens, \
                 float *out, int64_t out_stride) {                                                                    \
    const int nb = cols / 32;                                                                                         \
    /* few tokens: each block unpacked where it is read (a decode step reads every weight once anyway) */            \
    const int unpack = tokens > TOKENS_AT_ONCE && ensure_tile((int64_t) ROW_TILE * cols);                            \
    for (int64_t rt = r0; rt < r1; rt += ROW_TILE) {                                                                  \
        const int64_t rt_end = rt + ROW_TILE < r1 ? rt + ROW_TILE : r1;                                               \
        if (unpack) {                                                                                                 \
            for (int64_t r = rt; r < rt_end; r++) {                                                                   \
                const uint8_t *row = w + r * row_bytes;                                                               \
                for (int b = 0; b < nb; b++) {                                                                        \
                    const uint8_t *blk = row + (int64_t) b * BYTES;                                                   \
                    tile.d[(r - rt) * nb + b] = half_to_float(blk);                                                   \
                    _mm256_store_si256((__m256i *) (tile.q + ((r - rt) * nb + b) * 32), LOAD(blk + 2));              \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
        for (int t0 = 0; t0 < tokens; t0 += TOKENS_AT_ONCE) {                                                         \
            const int nt = tokens - t0 < TOKENS_AT_ONCE ? tokens - t0 : TOKENS_AT_ONCE;                               \
            for (int64_t r = rt; r < rt_end; r++) {                                                                   \
                __m256 acc[TOKENS_AT_ONCE] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),          \
                                              _mm256_setzero_ps()};                                                   \
                if (unpack) {                                                                                         \
                    const int8_t *q = tile.q + (r - rt) * nb * 32;                                                    \
                    const float *d = tile.d + (r - rt) * nb;                                                          \
                    for (int b = 0; b < nb; b++) {                                                                    \
                        const __m256i wq = _mm256_load_si256((const __m256i *) (q + b * 32));                        \
                        ACCUMULATE(wq, d[b])                                                                          \
                    }                                                                                                 \
                } else {                                                                                              \
                    const uint8_t *row = w + r * row_bytes;                                                           \
                    for (int b = 0; b < nb; b++) {                                                                    \
                        const uint8_t *blk = row + (int64_t) b * BYTES;                                               \
                        const __m256i wq = LOAD(blk + 2);                                                             \
                        ACCUMULATE(wq, half_to_float(blk))                                                            \
                    }                                                                                                 \
                }                                                                                                     \
                for (int k = 0; k < nt; k++) out[(int64_t) (t0 + k) * out_stride + r] = hsum(acc[k]);                \
            }                                                                                                         \
        }                                                                                                             \
    }                                                                                                                 \
}

#define LOAD_Q8_0(p) _mm256_loadu_si256((const __m256i *) (p))
#define LOAD_Q4_0(p) unpack_q4_0(p)

ROWS_KERNEL(hearth_rows_q8_0, Q8_0_BYTES, LOAD_Q8_0)
ROWS_KERNEL(hearth_rows_q4_0, Q4_0_BYTES, LOAD_Q4_0)
