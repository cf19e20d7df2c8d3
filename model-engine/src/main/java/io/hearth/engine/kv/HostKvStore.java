package io.hearth.engine.kv;

import io.hearth.engine.compute.MatMul;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A KV store in host memory, for the CPU backend, which also attends over it here ({@link #dotKey},
 * {@link #addValue}). Heap arrays per layer (one per layer keeps each under the 2^31 element limit).
 */
public abstract sealed class HostKvStore implements KvStore permits HostKvStore.F32Store, HostKvStore.F16Store {
    protected final int layers, slots, kvDim;

    HostKvStore(int layers, int slots, int kvDim) {
        this.layers = layers;
        this.slots = slots;
        this.kvDim = kvDim;
    }

    @Override
    public final long byteSize() {
        return (long) (slots / BlockPool.BLOCK_TOKENS) * blockBytes();
    }

    @Override
    public final int blockBytes() {
        return KvStore.blockBytes(type(), layers, kvDim);
    }

    public static HostKvStore create(KvType type, int layers, int blocks, int kvDim) {
        long slots = (long) blocks * BlockPool.BLOCK_TOKENS;
        if (slots * kvDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + slots + " tokens × " + kvDim + " values per layer is too large");
        }
        return type == KvType.F32 ? new F32Store(layers, (int) slots, kvDim) : new F16Store(layers, (int) slots, kvDim);
    }

    /** Stores one token's K and V rows ({@code kvDim} values each) at {@code slot}. */
    public abstract void write(int layer, int slot, float[] k, int kOffset, float[] v, int vOffset);

    /** q[qOffset..+n) · K[slot][headOffset..+n). */
    public abstract float dotKey(int layer, int slot, int headOffset, float[] q, int qOffset, int n);

    /** out[outOffset..+n) += weight · V[slot][headOffset..+n). */
    public abstract void addValue(int layer, int slot, int headOffset, float weight, float[] out, int outOffset, int n);

    static final class F32Store extends HostKvStore {
        private final float[][] keys, values;

        F32Store(int layers, int slots, int kvDim) {
            super(layers, slots, kvDim);
            keys = new float[layers][slots * kvDim];
            values = new float[layers][slots * kvDim];
        }

        @Override
        public KvType type() {
            return KvType.F32;
        }

        @Override
        public void exportBlock(int block, ByteBuffer out) {
            int from = block * BlockPool.BLOCK_TOKENS * kvDim, n = BlockPool.BLOCK_TOKENS * kvDim;
            for (int layer = 0; layer < keys.length; layer++) {
                out.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(keys[layer], from, n);
                out.position(out.position() + n * Float.BYTES);
                out.asFloatBuffer().put(values[layer], from, n);
                out.position(out.position() + n * Float.BYTES);
            }
        }

        @Override
        public void importBlock(int block, ByteBuffer in) {
            int from = block * BlockPool.BLOCK_TOKENS * kvDim, n = BlockPool.BLOCK_TOKENS * kvDim;
            for (int layer = 0; layer < keys.length; layer++) {
                in.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(keys[layer], from, n);
                in.position(in.position() + n * Float.BYTES);
                in.asFloatBuffer().get(values[layer], from, n);
                in.position(in.position() + n * Float.BYTES);
            }
        }

        @Override
        public void write(int layer, int slot, float[] k, int kOffset, float[] v, int vOffset) {
            System.arraycopy(k, kOffset, keys[layer], slot * kvDim, kvDim);
            System.arraycopy(v, vOffset, values[layer], slot * kvDim, kvDim);
        }

        @Override
        public float dotKey(int layer, int slot, int headOffset, float[] q, int qOffset, int n) {
            return MatMul.dot(keys[layer], slot * kvDim + headOffset, q, qOffset, n);
        }

        @Override
        public void addValue(int layer, int slot, int headOffset, float weight, float[] out, int outOffset, int n) {
            MatMul.axpy(weight, values[layer], slot * kvDim + headOffset, out, outOffset, n);
        }

    }

    static final class F16Store extends HostKvStore {
        private final short[][] keys, values;

        F16Store(int layers, int slots, int kvDim) {
            super(layers, slots, kvDim);
            keys = new short[layers][slots * kvDim];
            values = new short[layers][slots * kvDim];
        }

        @Override
        public KvType type() {
            return KvType.F16;
        }

        @Override
        public void exportBlock(int block, ByteBuffer out) {
            int from = block * BlockPool.BLOCK_TOKENS * kvDim, n = BlockPool.BLOCK_TOKENS * kvDim;
            for (int layer = 0; layer < keys.length; layer++) {
                out.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(keys[layer], from, n);
                out.position(out.position() + n * Short.BYTES);
                out.asShortBuffer().put(values[layer], from, n);
                out.position(out.position() + n * Short.BYTES);
            }
        }

        @Override
        public void importBlock(int block, ByteBuffer in) {
            int from = block * BlockPool.BLOCK_TOKENS * kvDim, n = BlockPool.BLOCK_TOKENS * kvDim;
            for (int layer = 0; layer < keys.length; layer++) {
                in.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(keys[layer], from, n);
                in.position(in.position() + n * Short.BYTES);
                in.asShortBuffer().get(values[layer], from, n);
                in.position(in.position() + n * Short.BYTES);
            }
        }

        @Override
        public void write(int layer, int slot, float[] k, int kOffset, float[] v, int vOffset) {
            int base = slot * kvDim;
            for (int i = 0; i < kvDim; i++) {
                keys[layer][base + i] = Float.floatToFloat16(k[kOffset + i]);
                values[layer][base + i] = Float.floatToFloat16(v[vOffset + i]);
            }
        }

        @Override
        public float dotKey(int layer, int slot, int headOffset, float[] q, int qOffset, int n) {
            short[] k = keys[layer];
            int base = slot * kvDim + headOffset;
            float sum = 0;
            for (int i = 0; i < n; i++) sum += Float.float16ToFloat(k[base + i]) * q[qOffset + i];
            return sum;
        }

        @Override
        public void addValue(int layer, int slot, int headOffset, float weight, float[] out, int outOffset, int n) {
            short[] v = values[layer];
            int base = slot * kvDim + headOffset;
            for (int i = 0; i < n; i++) out[outOffset + i] += weight * Float.float16ToFloat(v[base + i]);
        }

    }
}
