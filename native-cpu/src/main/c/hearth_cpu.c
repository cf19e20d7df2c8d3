/*
 * The entry points Java binds: each forwards to the copy of the kernels built for the best instruction set this CPU
 * has (AVX-512 VNNI through its 256-bit forms, else AVX2 with FMA and F16C), or to the one a caller forced for tests.
 * AMX is never used: llama.cpp's AMX path dies with SIGILL on machines of ours that report it.
 */
#include <stdint.h>

typedef struct block_q8 block_q8;

#define DECLARE(suffix)                                                                                               \
    void hearth_quantize_q8##suffix(const float *, int64_t, block_q8 *);                                               \
    void hearth_rows_q8_0##suffix(const uint8_t *, int64_t, int64_t, int64_t, int, const block_q8 *, int, float *, int64_t); \
    void hearth_rows_q4_0##suffix(const uint8_t *, int64_t, int64_t, int64_t, int, const block_q8 *, int, float *, int64_t);
DECLARE(_avx2)
DECLARE(_vnni)

enum { ISA_NONE = 0, ISA_AVX2 = 1, ISA_AVX512_VNNI = 2 };

static int detected(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma")) {
        return ISA_AVX512_VNNI;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return ISA_AVX2;
    return ISA_NONE;
}

static int isa = -1;

/*
 * The instruction set the kernels use: 0 none (the caller keeps its Java path, and must not call the kernels: the
 * bindings refuse to), 1 AVX2, 2 AVX-512 VNNI.
 */
int hearth_cpu_isa(void) {
    if (isa < 0) isa = detected();
    return isa;
}

/* Uses {@code wanted} if the CPU has it (tests run the AVX2 path on an AVX-512 machine); returns the set in use. */
int hearth_cpu_force_isa(int wanted) {
    int best = detected();
    isa = wanted <= best ? wanted : best;
    return isa;
}

void hearth_quantize_q8(const float *x, int64_t n, block_q8 *out) {
    if (hearth_cpu_isa() == ISA_AVX512_VNNI) hearth_quantize_q8_vnni(x, n, out);
    else hearth_quantize_q8_avx2(x, n, out);
}

void hearth_rows_q8_0(const uint8_t *w, int64_t row_bytes, int64_t r0, int64_t r1, int cols, const block_q8 *x, int tokens,
                      float *out, int64_t out_stride) {
    if (hearth_cpu_isa() == ISA_AVX512_VNNI) hearth_rows_q8_0_vnni(w, row_bytes, r0, r1, cols, x, tokens, out, out_stride);
    else hearth_rows_q8_0_avx2(w, row_bytes, r0, r1, cols, x, tokens, out, out_stride);
}

void hearth_rows_q4_0(const uint8_t *w, int64_t row_bytes, int64_t r0, int64_t r1, int cols, const block_q8 *x, int tokens,
                      float *out, int64_t out_stride) {
    if (hearth_cpu_isa() == ISA_AVX512_VNNI) hearth_rows_q4_0_vnni(w, row_bytes, r0, r1, cols, x, tokens, out, out_stride);
    else hearth_rows_q4_0_avx2(w, row_bytes, r0, r1, cols, x, tokens, out, out_stride);
}
