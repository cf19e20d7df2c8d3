package io.hearth.engine.compute;

import io.hearth.engine.tensor.FloatTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Weight × activations for a batch of tokens: {@code out[t·rows + r] = W[r,·] · x[t·cols ..]}.
 *
 * <p>Q8_0 and Q4_0 weights go to the C kernels where this build and CPU have them ({@link NativeProducts}); the rest,
 * and everything where they are absent, run here in Java.
 *
 * <p>Few tokens (decode, a small batch) run row by row straight from the quantized blocks, each block unpacked once
 * for all of them where the type allows ({@link FloatTensor#dots}).
 * Many tokens (prefill, a continuous batch) are compute-bound and run as a register-blocked outer product: the
 * activations are first packed column-major ({@code packed[c·P + t]}, tokens padded to whole vectors), then each
 * worker dequantizes a tile of {@link #TILE_ROWS} rows once and, column by column, broadcasts each row's weight and
 * multiplies it into two vectors of tokens. That is 12 independent accumulators fed by 8 loads per 12 FMAs, with no
 * horizontal sums, where a row-times-token dot product needs a load per FMA and a lane reduction per output.
 */
public final class MatMul {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** 6 rows × 2 token vectors = 12 accumulators, plus 2 activation vectors and a broadcast: 15 of AVX2's 16 registers. */
    private static final int TILE_ROWS = 6;
    /**
     * Tokens per pass over the matrix. Every row tile reads all packed activations of its pass, 4 bytes per 6
     * multiply-adds, which only L2 delivers fast enough: 32 tokens of 2048 columns are 256 KB. A 258-token prefill
     * through one pass spilled to L3 and ran at two thirds of the 16-token rate per token.
     */
    private static final int TOKEN_BLOCK = 32;
    /** Columns per pass: a tile's 6 × 256 weights (6 KB) stay in L1 while every group of tokens uses them. */
    private static final int K_BLOCK = 256;
    /**
     * From this many tokens on the tiled product wins. Below it each row's blocks are unpacked once for up to four
     * tokens ({@link FloatTensor#dots}); the tile pads tokens to a whole vector (8 on AVX2), and on 2 threads 5 and 6
     * tokens took 3.4 and 2.8 ms that way against 4.0 and 3.9 through the tile, while 8 tokens were even and 12 or 16
     * took twice as long as through the tile (5632 × 2048 Q8_0 matrices).
     */
    private static final int TILED_FROM_TOKENS = 8;
    /**
     * Multiply-adds a thread should have at least: waking a worker costs about 10 µs, some 200K multiply-adds, so
     * smaller pieces run inline and a 1M-parameter model is not dominated by dispatch.
     */
    public static final int MIN_WORK_PER_THREAD = 262_144;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> PARTIAL = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);

    private MatMul() {
    }

    /** Which code runs the products here, for benchmarks and logs: the C kernels and their instruction set, or Java. */
    public static String kernels() {
        var kernels = io.hearth.cpu.CpuKernels.get();
        return kernels.available() ? "C on " + kernels.isa() + " for Q8_0 and Q4_0, Java Vector API for the other types"
                : "Java Vector API (" + kernels.unavailableReason() + ")";
    }

    public static void matmul(WorkerPool pool, FloatTensor w, float[] x, int tokens, float[] out) {
        int rows = Math.toIntExact(w.rows());
        int cols = w.columns();
        if (NativeProducts.handles(w)) {
            NativeProducts.matmul(pool, w, x, tokens, out, MIN_WORK_PER_THREAD);
            return;
        }
        int grain = Math.max(1, MIN_WORK_PER_THREAD / Math.max(1, cols * tokens));
        if (tokens < TILED_FROM_TOKENS || L < 8) {
            pool.parallelFor(rows, grain, (start, end) -> {
                for (int r = start; r < end; r++) w.dots(r, x, tokens, out, r, rows);
            });
            return;
        }
        // Blocks of even size: 258 tokens run as 5 × 52, not 4 × 64 and a block of 2 padded to 8.
        int blocks = (tokens + TOKEN_BLOCK - 1) / TOKEN_BLOCK;
        int blockSize = (tokens + blocks - 1) / blocks;
        for (int t0 = 0; t0 < tokens; t0 += blockSize) tiled(pool, w, x, t0, Math.min(blockSize, tokens - t0), out, grain);
    }

    /** Tokens [t0, t0 + tokens) through the whole matrix, row tile by row tile. */
    private static void tiled(WorkerPool pool, FloatTensor w, float[] x, int t0, int tokens, float[] out, int grain) {
        int rows = Math.toIntExact(w.rows());
        int cols = w.columns();
        int padded = (tokens + L - 1) / L * L;
        float[] packed = pack(x, t0, tokens, cols, padded);
        int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        pool.parallelFor(tiles, Math.max(1, grain / TILE_ROWS), (start, end) -> {
            float[] tile = buffer(TILE, TILE_ROWS * cols);
            float[] partial = buffer(PARTIAL, TILE_ROWS * padded);
            for (int tileIndex = start; tileIndex < end; tileIndex++) {
                int r0 = tileIndex * TILE_ROWS;
                int n = Math.min(TILE_ROWS, rows - r0);
                for (int i = 0; i < n; i++) w.dequantizeRow(r0 + i, tile, i * cols);
                // A short last tile computes zero rows rather than needing a second kernel; at most 5 rows per matrix.
                Arrays.fill(tile, n * cols, TILE_ROWS * cols, 0f);
                multiplyTile(tile, cols, packed, padded, partial);
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < tokens; t++) out[(t0 + t) * rows + r0 + i] = partial[i * padded + t];
                }
            }
        });
    }

    /** Tokens [t0, t0 + tokens) of x (row-major) as cols × padded, column-major by token, zero beyond the last. */
    private static float[] pack(float[] x, int t0, int tokens, int cols, int padded) {
        float[] packed = buffer(PACKED, cols * padded);
        for (int t = 0; t < padded; t++) {
            if (t < tokens) {
                for (int c = 0, xo = (t0 + t) * cols; c < cols; c++) packed[c * padded + t] = x[xo + c];
            } else {
                for (int c = 0; c < cols; c++) packed[c * padded + t] = 0f;
            }
        }
        return packed;
    }

    private static float[] buffer(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer.length < size) {
            buffer = new float[size];
            holder.set(buffer);
        }
        return buffer;
    }

    /** partial[i·padded + t] = Σ_c tile[i·cols + c] · packed[c·padded + t] for the tile's 6 rows and every token. */
    private static void multiplyTile(float[] tile, int cols, float[] packed, int padded, float[] partial) {
        Arrays.fill(partial, 0, TILE_ROWS * padded, 0f);
        for (int k0 = 0; k0 < cols; k0 += K_BLOCK) {
            int k1 = Math.min(cols, k0 + K_BLOCK);
            int g = 0;
            for (; g + 2 * L <= padded; g += 2 * L) twoVectors(tile, cols, packed, padded, partial, k0, k1, g);
            if (g < padded) oneVector(tile, cols, packed, padded, partial, k0, k1, g);
        }
    }

    private static void twoVectors(float[] tile, int cols, float[] packed, int padded, float[] partial, int k0, int k1, int g) {
        int p1 = padded, p2 = 2 * padded, p3 = 3 * padded, p4 = 4 * padded, p5 = 5 * padded;
        FloatVector a0 = FloatVector.fromArray(F, partial, g), b0 = FloatVector.fromArray(F, partial, g + L);
        FloatVector a1 = FloatVector.fromArray(F, partial, p1 + g), b1 = FloatVector.fromArray(F, partial, p1 + g + L);
        FloatVector a2 = FloatVector.fromArray(F, partial, p2 + g), b2 = FloatVector.fromArray(F, partial, p2 + g + L);
        FloatVector a3 = FloatVector.fromArray(F, partial, p3 + g), b3 = FloatVector.fromArray(F, partial, p3 + g + L);
        FloatVector a4 = FloatVector.fromArray(F, partial, p4 + g), b4 = FloatVector.fromArray(F, partial, p4 + g + L);
        FloatVector a5 = FloatVector.fromArray(F, partial, p5 + g), b5 = FloatVector.fromArray(F, partial, p5 + g + L);
        int w1 = cols, w2 = 2 * cols, w3 = 3 * cols, w4 = 4 * cols, w5 = 5 * cols;
        for (int c = k0; c < k1; c++) {
            int xo = c * padded + g;
            FloatVector xa = FloatVector.fromArray(F, packed, xo);
            FloatVector xb = FloatVector.fromArray(F, packed, xo + L);
            FloatVector w = FloatVector.broadcast(F, tile[c]);
            a0 = w.fma(xa, a0);
            b0 = w.fma(xb, b0);
            w = FloatVector.broadcast(F, tile[w1 + c]);
            a1 = w.fma(xa, a1);
            b1 = w.fma(xb, b1);
            w = FloatVector.broadcast(F, tile[w2 + c]);
            a2 = w.fma(xa, a2);
            b2 = w.fma(xb, b2);
            w = FloatVector.broadcast(F, tile[w3 + c]);
            a3 = w.fma(xa, a3);
            b3 = w.fma(xb, b3);
            w = FloatVector.broadcast(F, tile[w4 + c]);
            a4 = w.fma(xa, a4);
            b4 = w.fma(xb, b4);
            w = FloatVector.broadcast(F, tile[w5 + c]);
            a5 = w.fma(xa, a5);
            b5 = w.fma(xb, b5);
        }
        a0.intoArray(partial, g);
        b0.intoArray(partial, g + L);
        a1.intoArray(partial, p1 + g);
        b1.intoArray(partial, p1 + g + L);
        a2.intoArray(partial, p2 + g);
        b2.intoArray(partial, p2 + g + L);
        a3.intoArray(partial, p3 + g);
        b3.intoArray(partial, p3 + g + L);
        a4.intoArray(partial, p4 + g);
        b4.intoArray(partial, p4 + g + L);
        a5.intoArray(partial, p5 + g);
        b5.intoArray(partial, p5 + g + L);
    }

    /** The last group of tokens when only one vector of them is left: six independent chains, as above. */
    private static void oneVector(float[] tile, int cols, float[] packed, int padded, float[] partial, int k0, int k1, int g) {
        int p1 = padded, p2 = 2 * padded, p3 = 3 * padded, p4 = 4 * padded, p5 = 5 * padded;
        FloatVector a0 = FloatVector.fromArray(F, partial, g), a1 = FloatVector.fromArray(F, partial, p1 + g);
        FloatVector a2 = FloatVector.fromArray(F, partial, p2 + g), a3 = FloatVector.fromArray(F, partial, p3 + g);
        FloatVector a4 = FloatVector.fromArray(F, partial, p4 + g), a5 = FloatVector.fromArray(F, partial, p5 + g);
        int w1 = cols, w2 = 2 * cols, w3 = 3 * cols, w4 = 4 * cols, w5 = 5 * cols;
        for (int c = k0; c < k1; c++) {
            FloatVector xa = FloatVector.fromArray(F, packed, c * padded + g);
            a0 = FloatVector.broadcast(F, tile[c]).fma(xa, a0);
            a1 = FloatVector.broadcast(F, tile[w1 + c]).fma(xa, a1);
            a2 = FloatVector.broadcast(F, tile[w2 + c]).fma(xa, a2);
            a3 = FloatVector.broadcast(F, tile[w3 + c]).fma(xa, a3);
            a4 = FloatVector.broadcast(F, tile[w4 + c]).fma(xa, a4);
            a5 = FloatVector.broadcast(F, tile[w5 + c]).fma(xa, a5);
        }
        a0.intoArray(partial, g);
        a1.intoArray(partial, p1 + g);
        a2.intoArray(partial, p2 + g);
        a3.intoArray(partial, p3 + g);
        a4.intoArray(partial, p4 + g);
        a5.intoArray(partial, p5 + g);
    }

    /** Σ a[ao + i]·b[bo + i] for i &lt; n. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /** out[oo + i] += w·v[vo + i] for i &lt; n. */
    public static void axpy(float w, float[] v, int vo, float[] out, int oo, int n) {
        FloatVector wv = FloatVector.broadcast(F, w);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(F, v, vo + i).fma(wv, FloatVector.fromArray(F, out, oo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] += w * v[vo + i];
    }
}
