package io.hearth.pool.prefix;

import com.hazelcast.config.CacheSimpleConfig;
import com.hazelcast.config.CacheSimpleConfig.ExpiryPolicyFactoryConfig;
import com.hazelcast.config.CacheSimpleConfig.ExpiryPolicyFactoryConfig.DurationConfig;
import com.hazelcast.config.CacheSimpleConfig.ExpiryPolicyFactoryConfig.TimedExpiryPolicyFactoryConfig;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MaxSizePolicy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's JCache of KV blocks, bounded: at most {@code maxEntries} blocks per member, least recently used
 * evicted, each kept at most {@code ttl} after it was stored.
 */
public record BlockCacheConfig(int maxEntries, Duration ttl) {
    public static final String CACHE = "hearth-kv-blocks";

    public BlockCacheConfig {
        if (maxEntries < 1) throw new IllegalArgumentException("the shared tier needs room for at least one block");
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("the shared tier's ttl must be positive");
    }

    CacheSimpleConfig toHazelcast() {
        return new CacheSimpleConfig(CACHE).setStatisticsEnabled(true)
                .setKeyType(String.class.getName()).setValueType(byte[].class.getName())
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(maxEntries))
                .setExpiryPolicyFactoryConfig(new ExpiryPolicyFactoryConfig(new TimedExpiryPolicyFactoryConfig(
                        TimedExpiryPolicyFactoryConfig.ExpiryPolicyType.CREATED, new DurationConfig(ttl.toSeconds(), TimeUnit.SECONDS))));
    }
}
