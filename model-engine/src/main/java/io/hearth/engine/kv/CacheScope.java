package io.hearth.engine.kv;

/**
 * Where a sequence's chain of block hashes starts, and where it turns private to a tenant. A function's public
 * prompt start (its system prompt, the same for every caller) chains from {@code root} alone, so every caller of the
 * function reuses it; from the first block that holds a caller's own tokens on, the chain mixes in the caller's
 * tenant, so one tenant's blocks can neither be hit nor timed by another. Made by {@link KvCache#scope}.
 *
 * @param root         the chain's start (null: the unscoped chain of everyone without a scope)
 * @param publicBlocks full blocks that chain from {@code root} alone before {@code tenant} is mixed in
 * @param tenant       the tenant's key, mixed into the parent of block {@code publicBlocks}; null: none
 */
public record CacheScope(BlockHash root, int publicBlocks, BlockHash tenant) {
    public static final CacheScope UNSCOPED = new CacheScope(null, 0, null);

    public CacheScope {
        if (publicBlocks < 0) throw new IllegalArgumentException("publicBlocks must not be negative");
    }

    /** The parent hash of full block {@code block}, given the hash of the block before it ({@code root} for block 0). */
    BlockHash parentOf(int block, BlockHash previous) {
        return tenant != null && block == publicBlocks ? BlockHash.fork(previous, tenant) : previous;
    }
}
