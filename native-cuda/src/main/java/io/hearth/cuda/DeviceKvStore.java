package io.hearth.cuda;

import io.hearth.engine.kv.BlockPool;
import io.hearth.engine.kv.KvStore;
import io.hearth.engine.kv.KvType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values in device memory, F32, one K and one V array per layer ({@code [slot][kvDim]}), which the
 * attention kernel reads through each sequence's slots. Blocks are copied out and in through a pinned buffer on the
 * replica's stream, so a copy sees every step queued before it: the layout is the CPU's F32 store's, so blocks move
 * between CPU and GPU replicas and the shared tier unchanged.
 */
final class DeviceKvStore implements KvStore, AutoCloseable {
    private final int kvDim;
    private final List<CudaMemory> keys = new ArrayList<>(), values = new ArrayList<>();
    private final CudaStream stream;
    private final PinnedBuffer staging;

    DeviceKvStore(int device, int layers, int blocks, int kvDim, CudaStream stream) {
        this.kvDim = kvDim;
        this.stream = stream;
        long layerBytes = (long) blocks * BlockPool.BLOCK_TOKENS * kvDim * Float.BYTES;
        try {
            for (int l = 0; l < layers; l++) {
                keys.add(CudaMemory.allocate(device, layerBytes));
                values.add(CudaMemory.allocate(device, layerBytes));
            }
            staging = PinnedBuffer.allocate(KvStore.blockBytes(KvType.F32, layers, kvDim));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Device bytes of a store of {@code blocks} blocks. */
    static long bytesFor(int layers, int blocks, int kvDim) {
        return (long) blocks * KvStore.blockBytes(KvType.F32, layers, kvDim);
    }

    CudaMemory keys(int layer) {
        return keys.get(layer);
    }

    CudaMemory values(int layer) {
        return values.get(layer);
    }

    @Override
    public KvType type() {
        return KvType.F32;
    }

    @Override
    public long byteSize() {
        return keys.stream().mapToLong(CudaMemory::bytes).sum() * 2;
    }

    @Override
    public int blockBytes() {
        return KvStore.blockBytes(KvType.F32, keys.size(), kvDim);
    }

    @Override
    public void exportBlock(int block, ByteBuffer out) {
        long part = partBytes(), at = (long) block * part;
        MemorySegment buffer = staging.segment();
        for (int l = 0; l < keys.size(); l++) {
            keys.get(l).copyToAsync(at, buffer.asSlice(2 * l * part, part), stream);
            values.get(l).copyToAsync(at, buffer.asSlice((2L * l + 1) * part, part), stream);
        }
        stream.synchronize();
        out.order(ByteOrder.LITTLE_ENDIAN).put(buffer.asByteBuffer());
    }

    @Override
    public void importBlock(int block, ByteBuffer in) {
        long part = partBytes(), at = (long) block * part;
        MemorySegment buffer = staging.segment();
        buffer.asByteBuffer().put(in.slice(in.position(), (int) buffer.byteSize()));
        in.position(in.position() + (int) buffer.byteSize());
        for (int l = 0; l < keys.size(); l++) {
            keys.get(l).copyFromAsync(at, buffer.asSlice(2 * l * part, part), stream);
            values.get(l).copyFromAsync(at, buffer.asSlice((2L * l + 1) * part, part), stream);
        }
        stream.synchronize();
    }

    /** Bytes of one block's K (or V) in one layer. */
    private long partBytes() {
        return (long) BlockPool.BLOCK_TOKENS * kvDim * Float.BYTES;
    }

    @Override
    public void close() {
        for (CudaMemory m : keys) m.close();
        for (CudaMemory m : values) m.close();
        if (staging != null) staging.close();
    }
}
