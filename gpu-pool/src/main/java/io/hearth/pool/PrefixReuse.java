package io.hearth.pool;

import io.hearth.engine.kv.BlockPool;

/**
 * How a request's prompt met the prefix cache, in full blocks of {@link BlockPool#BLOCK_TOKENS} tokens: found in the
 * replica's own KV pool, imported from the shared tier (computed on another replica or server), or computed here.
 */
public record PrefixReuse(int localBlocks, int sharedBlocks, int computedBlocks) {
    public static final PrefixReuse NONE = new PrefixReuse(0, 0, 0);

    /** Both together (several model calls of one invocation). */
    public PrefixReuse plus(PrefixReuse other) {
        return new PrefixReuse(localBlocks + other.localBlocks, sharedBlocks + other.sharedBlocks, computedBlocks + other.computedBlocks);
    }

    /** Prompt tokens whose prefill was skipped. */
    public int savedTokens() {
        return (localBlocks + sharedBlocks) * BlockPool.BLOCK_TOKENS;
    }

    /** Prompt tokens whose KV came from the shared tier. */
    public int sharedTokens() {
        return sharedBlocks * BlockPool.BLOCK_TOKENS;
    }
}
