package io.hearth.pool.prefix;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.config.CacheSimpleConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import java.time.Duration;
import java.util.List;

/**
 * An embedded Hazelcast member and the JCache of KV blocks it serves. Members find each other only through the
 * configured list (multicast and auto-detection off, phone-home off), so two servers on one machine form a cluster
 * on two ports. The cache is bounded: at most {@code maxEntries} blocks per member, least recently used evicted,
 * each kept at most {@code ttl}.
 *
 * @param clusterName only members with the same name join
 * @param port        this member's port (no auto-increment: a taken port is an error, not a surprise)
 * @param members     host:port of the other members
 */
public record ClusterMember(String clusterName, int port, List<String> members, int maxEntries, Duration ttl) {
    public static final String CACHE = "hearth-kv-blocks";

    /** A started member and its block cache; closing it leaves the cluster. */
    public record Started(HazelcastInstance member, Cache<String, byte[]> blocks) implements AutoCloseable {
        @Override
        public void close() {
            member.shutdown();
        }
    }

    public Started start() {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getJoin().getMulticastConfig().setEnabled(false);
        network.getJoin().getAutoDetectionConfig().setEnabled(false);
        network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
        CacheSimpleConfig blocks = new CacheSimpleConfig(CACHE).setStatisticsEnabled(true)
                .setKeyType(String.class.getName()).setValueType(byte[].class.getName())
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(maxEntries))
                .setExpiryPolicyFactoryConfig(new CacheSimpleConfig.ExpiryPolicyFactoryConfig(
                        new CacheSimpleConfig.ExpiryPolicyFactoryConfig.TimedExpiryPolicyFactoryConfig(
                                CacheSimpleConfig.ExpiryPolicyFactoryConfig.TimedExpiryPolicyFactoryConfig.ExpiryPolicyType.CREATED,
                                new CacheSimpleConfig.ExpiryPolicyFactoryConfig.DurationConfig(ttl.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))));
        config.addCacheConfig(blocks);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            // No class loader in the manager's URI: it would enter the cache's name, and other servers would not share it.
            CacheManager manager = Caching.getCachingProvider(HazelcastCachingProvider.MEMBER_CACHING_PROVIDER)
                    .getCacheManager(null, null, HazelcastCachingProvider.propertiesByInstanceItself(member));
            return new Started(member, manager.getCache(CACHE, String.class, byte[].class));
        } catch (RuntimeException e) {
            member.shutdown();
            throw e;
        }
    }
}
