package io.hearth.pool.prefix;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.config.CacheConfig;
import com.hazelcast.core.HazelcastInstance;

import java.time.Duration;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * A Hazelcast client of an external cluster, for sites that run Hazelcast apart from the application servers: the
 * server holds no blocks itself. The block cache is created on the cluster with this bound and ttl unless the
 * cluster has it already (its own configuration wins). A client that loses the cluster keeps trying to reconnect
 * in the background; until then lookups miss.
 *
 * @param addresses      host:port of members to connect through
 * @param connectTimeout how long the first connection may take before the server starts on local blocks only
 * @param seal           the cluster secret, which the external cluster's members must have been given too
 */
public record ClusterClient(String clusterName, List<String> addresses, BlockCacheConfig cache, Duration connectTimeout, ClusterSeal seal) {

    public ClusterConnection connect() {
        ClientConfig config = new ClientConfig();
        config.setClusterName(seal.clusterName(clusterName));
        ClusterHardening.apply(config.getSerializationConfig());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // a call in flight when the cluster goes away fails soon instead of holding a request for two minutes
        config.setProperty("hazelcast.client.invocation.timeout.seconds", "5");
        config.getNetworkConfig().setAddresses(List.copyOf(addresses));
        config.getConnectionStrategyConfig().setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ON)
                .getConnectionRetryConfig().setClusterConnectTimeoutMillis(connectTimeout.toMillis())
                // a cluster back after an outage is found within seconds, not Hazelcast's default of up to 30
                .setInitialBackoffMillis(250).setMaxBackoffMillis(2_000);
        HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
        try {
            CacheManager manager = Caching.getCachingProvider(HazelcastCachingProvider.CLIENT_CACHING_PROVIDER)
                    .getCacheManager(null, null, HazelcastCachingProvider.propertiesByInstanceItself(client));
            return new ClusterConnection(client, false, blocks(manager), seal);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    private CacheConfig<String, byte[]> hazelcastConfig() {
        try {
            return new CacheConfig<>(cache.toHazelcast());
        } catch (Exception e) { // it declares Exception for factory class names it resolves; ours names none
            throw new IllegalStateException("the block cache's configuration is invalid: " + e.getMessage(), e);
        }
    }

    private Cache<String, byte[]> blocks(CacheManager manager) {
        Cache<String, byte[]> existing = manager.getCache(BlockCacheConfig.CACHE, String.class, byte[].class);
        if (existing != null) return existing;
        try {
            return manager.createCache(BlockCacheConfig.CACHE, hazelcastConfig());
        } catch (CacheException createdMeanwhile) {
            return manager.getCache(BlockCacheConfig.CACHE, String.class, byte[].class);
        }
    }
}
