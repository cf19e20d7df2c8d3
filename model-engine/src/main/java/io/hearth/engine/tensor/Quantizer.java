package io.hearth.engine.tensor;

import java.nio.ByteBuffer;

/**
 * Float rows → stored bytes for every supported type. Q8_0 and Q4_0 follow llama.cpp's reference rounding; the
 * K-quants use a plain min/max fit (valid blocks that every reader decodes the same way, not llama.cpp's
 * error-minimising search), which is what gen-model's random weights need.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Appends n values (a multiple of the type's block size) to {@code out} in the type's layout. */
    public static void quantize(GgmlType type, float[] x, int offset, int n, ByteBuffer out) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) out.putFloat(x[offset + i]);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out.putShort(Float.floatToFloat16(x[offset + i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out.putShort(toBf16(x[offset + i]));
            }
            case Q8_0 -> {
                for (int b = 0; b < n; b += 32) q8_0(x, offset + b, out);
            }
            case Q4_0 -> {
                for (int b = 0; b < n; b += 32) q4_0(x, offset + b, out);
            }
            case Q4_K -> {
                for (int b = 0; b < n; b += 256) q4_k(x, offset + b, out);
            }
            case Q6_K -> {
                for (int b = 0; b < n; b += 256) q6_k(x, offset + b, out);
            }
        }
    }

    /** Round to nearest even on the upper 16 bits. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void q8_0(float[] x, int at, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[at + j]));
        float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) out.put((byte) Math.round(x[at + j] * id));
    }

    private static void q4_0(float[] x, int at, ByteBuffer out) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            if (Math.abs(x[at + j]) > amax) {
                amax = Math.abs(x[at + j]);
                max = x[at + j];
            }
        }
        float d = max / -8f, id = d != 0 ? 1f / d : 0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[at + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[at + 16 + j] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
        }
    }

    private static void q4_k(float[] x, int at, ByteBuffer out) {
        float[] scales = new float[8], mins = new float[8];
        for (int s = 0; s < 8; s++) {
            float lo = 0, hi = 0;
            for (int j = 0; j < 32; j++) {
                lo = Math.min(lo, x[at + 32 * s + j]);
                hi = Math.max(hi, x[at + 32 * s + j]);
            }
            scales[s] = (hi - lo) / 15f;
            mins[s] = -lo;
        }
        float maxScale = 0, maxMin = 0;
        for (int s = 0; s < 8; s++) {
            maxScale = Math.max(maxScale, scales[s]);
            maxMin = Math.max(maxMin, mins[s]);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 63f));
        float dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63f));
        int[] sc = new int[8], m = new int[8];
        for (int s = 0; s < 8; s++) {
            sc[s] = d > 0 ? Math.min(63, Math.round(scales[s] / d)) : 0;
            m[s] = dmin > 0 ? Math.min(63, Math.round(mins[s] / dmin)) : 0;
        }
        out.putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(dmin));
        for (int j = 0; j < 4; j++) out.put((byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6)));
        for (int j = 0; j < 4; j++) out.put((byte) ((m[j] & 63) | ((m[j + 4] >> 4) << 6)));
        for (int j = 0; j < 4; j++) out.put((byte) ((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4)));
        for (int group = 0; group < 4; group++) {
            for (int l = 0; l < 32; l++) {
                int lo = q4kLevel(x[at + 64 * group + l], d * sc[2 * group], dmin * m[2 * group]);
                int hi = q4kLevel(x[at + 64 * group + 32 + l], d * sc[2 * group + 1], dmin * m[2 * group + 1]);
                out.put((byte) (lo | (hi << 4)));
            }
        }
    }

    private static int q4kLevel(float value, float scale, float min) {
        if (scale == 0) return 0;
        return Math.max(0, Math.min(15, Math.round((value + min) / scale)));
    }

    private static void q6_k(float[] x, int at, ByteBuffer out) {
        float[] groupScale = new float[16];
        float maxAbsScale = 0;
        for (int g = 0; g < 16; g++) {
            float amax = 0, max = 0;
            for (int j = 0; j < 16; j++) {
                float v = x[at + 16 * g + j];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            groupScale[g] = max / -32f;
            maxAbsScale = Math.max(maxAbsScale, Math.abs(groupScale[g]));
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxAbsScale / 127f));
        byte[] sc = new byte[16];
        int[] q = new int[256];
        for (int g = 0; g < 16; g++) {
            sc[g] = (byte) (d > 0 ? Math.max(-128, Math.min(127, Math.round(groupScale[g] / d))) : 0);
            float step = d * sc[g];
            for (int j = 0; j < 16; j++) {
                int level = step != 0 ? Math.round(x[at + 16 * g + j] / step) : 0;
                q[16 * g + j] = Math.max(-32, Math.min(31, level)) + 32;
            }
        }
        byte[] ql = new byte[128], qh = new byte[64];
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int base = 128 * half;
                int q0 = q[base + l], q1 = q[base + 32 + l], q2 = q[base + 64 + l], q3 = q[base + 96 + l];
                ql[64 * half + l] = (byte) ((q0 & 0xF) | ((q2 & 0xF) << 4));
                ql[64 * half + 32 + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                qh[32 * half + l] = (byte) ((q0 >> 4) | ((q1 >> 4) << 2) | ((q2 >> 4) << 4) | ((q3 >> 4) << 6));
            }
        }
        out.put(ql).put(qh);
        // Q6_K orders its 16 scales as (half, k, l/16): group (half·128 + 32k + 16i) ↔ scale index 8·half + i + 2k.
        byte[] ordered = new byte[16];
        for (int half = 0; half < 2; half++) {
            for (int k = 0; k < 4; k++) {
                for (int i = 0; i < 2; i++) ordered[8 * half + i + 2 * k] = sc[(128 * half + 32 * k + 16 * i) / 16];
            }
        }
        out.put(ordered).putShort(Float.floatToFloat16(d));
    }
}
