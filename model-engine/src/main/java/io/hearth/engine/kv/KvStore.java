package io.hearth.engine.kv;

import java.nio.ByteBuffer;

/**
 * Keys and values of every layer, by slot ({@code block · 16 + position in block}); each slot holds kvDim values
 * per layer for K and for V. Where they live is the backend's: host arrays for the CPU ({@link HostKvStore}),
 * device memory for a GPU. What every store offers is its size and the block copy in and out that the prefix cache
 * moves blocks between replicas and the shared tier with.
 */
public interface KvStore {

    KvType type();

    /** Memory the store holds: K and V of every layer and slot. */
    long byteSize();

    /** Bytes of one block as {@link #exportBlock} writes it: K then V of its 16 slots, layer by layer, in the store's type. */
    int blockBytes();

    /** {@link #blockBytes} of any store, host or device: the block format they share. */
    static int blockBytes(KvType type, int layers, int kvDim) {
        return 2 * layers * BlockPool.BLOCK_TOKENS * kvDim * type.bytes();
    }

    /**
     * Writes block {@code block}'s keys and values (every layer) to {@code out} (little-endian), so the block can live
     * on outside this cache: in another replica's, or in the prefix cache's shared tier.
     */
    void exportBlock(int block, ByteBuffer out);

    /** Fills block {@code block} from bytes {@link #exportBlock} wrote (same type, layers and kvDim). */
    void importBlock(int block, ByteBuffer in);
}
