package io.hearth.pool;

import java.util.Map;

/**
 * The local tier of a model's prefix cache: full KV blocks that name a token chain, over all its replicas.
 *
 * @param cachedBlocks blocks holding a known chain (reusable by a later prompt with that prefix)
 * @param pinnedBlocks of those, distinct blocks held for pinned prefixes (never evicted while pinned)
 * @param blockBytes   bytes of one block's keys and values (0 while no replica is loaded)
 * @param capacity     blocks of all its replicas' KV pools
 * @param pins         the pinned prefixes (functions' ids) and the blocks each holds over all replicas (0 while
 *                     they are being computed, or while no replica is loaded)
 */
public record PrefixCacheInfo(String model, int cachedBlocks, int pinnedBlocks, long blockBytes, int capacity, Map<String, Integer> pins) {
    public long cachedBytes() {
        return cachedBlocks * blockBytes;
    }
}
