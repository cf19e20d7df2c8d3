package io.hearth.engine.backend;

import io.hearth.engine.model.RopeStyle;

/** The element-wise pieces of a llama block, computed as llama.cpp's CPU path does (double sums where it uses them). */
final class TransformerOps {
    private TransformerOps() {
    }

    /** out = x / sqrt(mean(x²) + eps) · weight, over n values. */
    static void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += (double) x[xOffset + i] * x[xOffset + i];
        float scale = (float) (1.0 / Math.sqrt((float) (sum / n) + eps));
        for (int i = 0; i < n; i++) out[outOffset + i] = x[xOffset + i] * scale * weight[i];
    }

    /**
     * The rotation angles of position {@code pos} as cos and sin per pair, into {@code cos/sin[offset..offset+dims/2)}.
     * Frequencies follow ggml's rope cache: theta starts at pos·freqScale and is multiplied by base^(−2/dims) per
     * pair, divided by the pair's frequency factor if any. Computed once per token and step, since every head of
     * every layer turns by the same angles (per head and layer, sin and cos took a tenth of a 16-sequence step).
     */
    static void ropeAngles(int ropeDims, int pos, float base, float freqScale, float[] freqFactors, float[] cos, float[] sin,
                           int offset) {
        float thetaScale = (float) Math.pow(base, -2.0 / ropeDims);
        float theta = pos * freqScale;
        for (int i = 0; i < ropeDims / 2; i++, theta *= thetaScale) {
            float angle = freqFactors != null ? theta / freqFactors[i] : theta;
            cos[offset + i] = (float) Math.cos(angle);
            sin[offset + i] = (float) Math.sin(angle);
        }
    }

    /** Rotates one head in place by the angles at {@code angles} from {@link #ropeAngles}. */
    static void rope(float[] x, int offset, int ropeDims, float[] cos, float[] sin, int angles, RopeStyle style) {
        int half = ropeDims / 2;
        for (int i = 0; i < half; i++) {
            float c = cos[angles + i], s = sin[angles + i];
            int a = style == RopeStyle.ADJACENT_PAIRS ? offset + 2 * i : offset + i;
            int b = style == RopeStyle.ADJACENT_PAIRS ? a + 1 : a + half;
            float x0 = x[a], x1 = x[b];
            x[a] = x0 * c - x1 * s;
            x[b] = x0 * s + x1 * c;
        }
    }

    /** gate[i] = silu(gate[i]) · up[i]. */
    static void swiGlu(float[] gate, float[] up, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** In-place softmax of x[0..n). */
    static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[i] *= inv;
    }
}
