package io.hearth.engine.compute;

import io.hearth.engine.tensor.FloatTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight × activations for a batch of tokens: {@code out[t·rows + r] = W[r,·] · x[t·cols ..]}.
 *
 * <p>Few tokens (decode) are memory-bound: each row is read once per token straight from its quantized blocks.
 * Many tokens (prefill) are compute-bound: each worker dequantizes a tile of four rows once into a small buffer
 * that stays in cache and reuses it for every token, two tokens at a time, so each loaded weight vector feeds two
 * FMAs and each activation vector four.
 */
public final class MatMul {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int TILE_ROWS = 4;
    /** From this many tokens on, dequantizing a row tile once beats re-reading quantized rows per token. */
    private static final int TILED_FROM_TOKENS = 4;
    /**
     * Multiply-adds a thread should have at least: waking a worker costs about 10 µs, some 200K multiply-adds, so
     * smaller pieces run inline and a 1M-parameter model is not dominated by dispatch.
     */
    public static final int MIN_WORK_PER_THREAD = 262_144;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);

    private MatMul() {
    }

    public static void matmul(WorkerPool pool, FloatTensor w, float[] x, int tokens, float[] out) {
        int rows = Math.toIntExact(w.rows());
        int cols = w.columns();
        int grain = Math.max(1, MIN_WORK_PER_THREAD / Math.max(1, cols * tokens));
        if (tokens < TILED_FROM_TOKENS) {
            pool.parallelFor(rows, grain, (start, end) -> {
                for (int t = 0; t < tokens; t++) {
                    int xo = t * cols, oo = t * rows;
                    for (int r = start; r < end; r++) out[oo + r] = w.dot(r, x, xo);
                }
            });
            return;
        }
        int tiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        pool.parallelFor(tiles, Math.max(1, grain / TILE_ROWS), (start, end) -> {
            float[] tile = tileBuffer(TILE_ROWS * cols);
            for (int tileIndex = start; tileIndex < end; tileIndex++) {
                int r0 = tileIndex * TILE_ROWS;
                int n = Math.min(TILE_ROWS, rows - r0);
                for (int i = 0; i < n; i++) w.dequantizeRow(r0 + i, tile, i * cols);
                if (n == TILE_ROWS && cols % L == 0) {
                    multiplyTile(tile, cols, x, tokens, out, rows, r0);
                } else {
                    for (int i = 0; i < n; i++) {
                        for (int t = 0; t < tokens; t++) out[t * rows + r0 + i] = dot(tile, i * cols, x, t * cols, cols);
                    }
                }
            }
        });
    }

    private static float[] tileBuffer(int size) {
        float[] tile = TILE.get();
        if (tile.length < size) {
            tile = new float[size];
            TILE.set(tile);
        }
        return tile;
    }

    private static void multiplyTile(float[] tile, int cols, float[] x, int tokens, float[] out, int rows, int r0) {
        int w1 = cols, w2 = 2 * cols, w3 = 3 * cols;
        int t = 0;
        for (; t + 1 < tokens; t += 2) {
            int xa = t * cols, xb = xa + cols;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
            for (int c = 0; c < cols; c += L) {
                FloatVector va = FloatVector.fromArray(F, x, xa + c);
                FloatVector vb = FloatVector.fromArray(F, x, xb + c);
                FloatVector r = FloatVector.fromArray(F, tile, c);
                a0 = r.fma(va, a0);
                b0 = r.fma(vb, b0);
                r = FloatVector.fromArray(F, tile, w1 + c);
                a1 = r.fma(va, a1);
                b1 = r.fma(vb, b1);
                r = FloatVector.fromArray(F, tile, w2 + c);
                a2 = r.fma(va, a2);
                b2 = r.fma(vb, b2);
                r = FloatVector.fromArray(F, tile, w3 + c);
                a3 = r.fma(va, a3);
                b3 = r.fma(vb, b3);
            }
            int oa = t * rows + r0, ob = oa + rows;
            out[oa] = a0.reduceLanes(VectorOperators.ADD);
            out[oa + 1] = a1.reduceLanes(VectorOperators.ADD);
            out[oa + 2] = a2.reduceLanes(VectorOperators.ADD);
            out[oa + 3] = a3.reduceLanes(VectorOperators.ADD);
            out[ob] = b0.reduceLanes(VectorOperators.ADD);
            out[ob + 1] = b1.reduceLanes(VectorOperators.ADD);
            out[ob + 2] = b2.reduceLanes(VectorOperators.ADD);
            out[ob + 3] = b3.reduceLanes(VectorOperators.ADD);
        }
        for (; t < tokens; t++) {
            for (int i = 0; i < TILE_ROWS; i++) out[t * rows + r0 + i] = dot(tile, i * cols, x, t * cols, cols);
        }
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
