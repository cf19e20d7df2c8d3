package io.hearth.pool;

/**
 * The local tier of a model's prefix cache: full KV blocks that name a token chain, over all its replicas.
 *
 * @param cachedBlocks blocks holding a known chain (reusable by a later prompt with that prefix)
 * @param blockBytes   bytes of one block's keys and values (0 while no replica is loaded)
 * @param capacity     blocks of all its replicas' KV pools
 */
public record PrefixCacheInfo(String model, int cachedBlocks, long blockBytes, int capacity) {
    public long cachedBytes() {
        return cachedBlocks * blockBytes;
    }
}
