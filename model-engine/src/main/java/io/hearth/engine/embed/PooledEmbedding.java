package io.hearth.engine.embed;

/**
 * Pools a prompt's hidden states as they come, one chunk of positions at a time (a long prompt is computed in several
 * steps), and gives the L2-normalized vector at the end. Sums are kept in double so a long prompt's mean does not
 * lose the small components.
 */
public final class PooledEmbedding {
    private final Pooling pooling;
    private final int dim;
    private final double[] sum;
    /** The first position's (cls) or the latest's (last). */
    private final float[] kept;
    private int positions;

    public PooledEmbedding(Pooling pooling, int dim) {
        this.pooling = pooling;
        this.dim = dim;
        this.sum = new double[dim];
        this.kept = new float[dim];
    }

    /** Takes the hidden states of the next {@code hidden.length / dim} positions of the prompt, in order. */
    public void add(float[] hidden) {
        int rows = hidden.length / dim;
        if (rows == 0) return;
        switch (pooling) {
            case MEAN -> {
                for (int r = 0; r < rows; r++) for (int i = 0; i < dim; i++) sum[i] += hidden[r * dim + i];
            }
            case CLS -> {
                if (positions == 0) System.arraycopy(hidden, 0, kept, 0, dim);
            }
            case LAST -> System.arraycopy(hidden, (rows - 1) * dim, kept, 0, dim);
        }
        positions += rows;
    }

    /** The pooled vector over the positions given so far, scaled to unit length (a zero vector stays zero). */
    public float[] vector() {
        if (positions == 0) throw new IllegalStateException("no positions were pooled");
        double[] v = new double[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = switch (pooling) {
                case MEAN -> sum[i] / positions;
                case CLS, LAST -> kept[i];
            };
        }
        double norm = 0;
        for (double x : v) norm += x * x;
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) out[i] = norm == 0 ? 0f : (float) (v[i] / norm);
        return out;
    }
}
