package io.hearth.pool;

import io.hearth.engine.kv.BlockHash;

import java.util.List;

/**
 * The prefix cache's shared tier as a replica sees it: where to find KV blocks computed elsewhere (another replica,
 * another server), and where to offer the blocks it computed. Block names are chain hashes that include the model
 * digest and KV layout, so a block is only ever found by the same model in the same layout. Losing the tier slows
 * requests down; it never fails them: both methods swallow the tier's errors.
 */
public interface SharedBlocks {
    /** The contents of the blocks {@code hashes} names, in order, up to the first one missing (an empty list if the first is). */
    List<byte[]> lookup(List<BlockHash> hashes);

    /** Offers a computed block; it may be dropped (a full queue, an unreachable tier), never waited for. */
    void publish(BlockHash hash, byte[] content);

    SharedBlocks NONE = new SharedBlocks() {
        @Override
        public List<byte[]> lookup(List<BlockHash> hashes) {
            return List.of();
        }

        @Override
        public void publish(BlockHash hash, byte[] content) {
        }
    };
}
