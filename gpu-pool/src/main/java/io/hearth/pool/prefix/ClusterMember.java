package io.hearth.pool.prefix;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.List;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * An embedded Hazelcast member serving the cluster's JCache of KV blocks. Members find each other through the
 * configured list, or by multicast on networks that carry it (auto-detection and phone-home off), so two servers on
 * one machine form a cluster on two ports. A member with no others to find (a cluster of one) listens on loopback
 * only; one that has others listens on every interface, for them. Only members and clients that know the cluster
 * secret join ({@link ClusterSeal}), and nothing reaches Java deserialization ({@link ClusterHardening}).
 *
 * @param clusterName only members with the same name join
 * @param port        this member's port (no auto-increment: a taken port is an error, not a surprise)
 * @param members     host:port of the other members (unused with multicast)
 * @param multicast   find members by multicast instead of the list
 * @param seal        the cluster secret
 */
public record ClusterMember(String clusterName, int port, List<String> members, boolean multicast, BlockCacheConfig cache, ClusterSeal seal) {

    /** A member that finds the others through {@code members}. */
    public ClusterMember(String clusterName, int port, List<String> members, BlockCacheConfig cache, ClusterSeal seal) {
        this(clusterName, port, members, false, cache, seal);
    }

    /** Whether this member has no others to find, and so listens on loopback only. */
    public boolean alone() {
        return members.isEmpty() && !multicast;
    }

    public ClusterConnection start() {
        Config config = new Config();
        config.setClusterName(seal.clusterName(clusterName));
        ClusterHardening.apply(config);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getJoin().getAutoDetectionConfig().setEnabled(false);
        network.getJoin().getMulticastConfig().setEnabled(multicast);
        network.getJoin().getTcpIpConfig().setEnabled(!multicast).setMembers(members);
        if (alone()) {
            network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            config.setProperty("hazelcast.socket.bind.any", "false");
        }
        config.addCacheConfig(cache.toHazelcast());
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            // No class loader in the manager's URI: it would enter the cache's name, and other servers would not share it.
            CacheManager manager = Caching.getCachingProvider(HazelcastCachingProvider.MEMBER_CACHING_PROVIDER)
                    .getCacheManager(null, null, HazelcastCachingProvider.propertiesByInstanceItself(member));
            return new ClusterConnection(member, true, manager.getCache(BlockCacheConfig.CACHE, String.class, byte[].class), seal);
        } catch (RuntimeException e) {
            member.shutdown();
            throw e;
        }
    }
}
