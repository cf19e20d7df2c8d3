package io.hearth.runtime.pool;

import io.hearth.pool.SharedTier;
import io.hearth.pool.prefix.BlockCacheConfig;
import io.hearth.pool.prefix.ClusterClient;
import io.hearth.pool.prefix.ClusterConnection;
import io.hearth.pool.prefix.ClusterMember;
import io.hearth.pool.prefix.ClusterSeal;
import io.hearth.pool.prefix.JCacheSharedTier;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The prefix cache's shared tier of this server, from {@code hearth.cluster.*} (each also an environment variable,
 * {@code HEARTH_CLUSTER_PORT}):
 * <ul>
 *   <li>{@code enabled} (true), {@code name} ({@code hearth}: only members with the same name join),</li>
 *   <li>{@code mode}: {@code member} (default: an embedded Hazelcast member on {@code port}, 5701, joining
 *       {@code members}, host:port comma-separated, none: a cluster of one; or by {@code multicast}, false) or {@code client} (a client of an
 *       external cluster reached through {@code members}, connecting within {@code connect-timeout}, 30s),</li>
 *   <li>{@code max-blocks} (10000 per member), {@code ttl} ({@code 1h}), {@code publish-queue} (256 blocks),</li>
 *   <li>{@code secret} ({@code HEARTH_CLUSTER_SECRET}, at least 16 characters, the same on every member): required as
 *       soon as there are others to join (members, multicast, or client mode), since it is what lets a member or
 *       client in and what every shared value is sealed with ({@link ClusterSeal}). Without others a member listens on
 *       loopback only and makes a secret of its own, so no other process joins it.</li>
 * </ul>
 * A tier that cannot start (a taken port, no cluster to connect to) is logged and the server runs on local blocks
 * only: losing the shared tier slows requests down, it never fails them.
 */
final class SharedTierHolder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedTierHolder.class.getName());

    private final ClusterConnection connection;
    private final JCacheSharedTier tier;
    /** Why the cluster settings cannot be used (a missing or short secret), or null: the server is not ready then. */
    private final String misconfigured;

    private SharedTierHolder(ClusterConnection connection, JCacheSharedTier tier, String misconfigured) {
        this.connection = connection;
        this.tier = tier;
        this.misconfigured = misconfigured;
    }

    static SharedTierHolder start(Config config, MetricRegistry registry) {
        if (!config.getOptionalValue("hearth.cluster.enabled", Boolean.class).orElse(true)) return new SharedTierHolder(null, null, null);
        List<String> members = Arrays.stream(config.getOptionalValue("hearth.cluster.members", String.class).orElse("").split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).toList();
        String name = config.getOptionalValue("hearth.cluster.name", String.class).orElse("hearth");
        String mode = config.getOptionalValue("hearth.cluster.mode", String.class).orElse("member");
        try {
            boolean multicast = config.getOptionalValue("hearth.cluster.multicast", Boolean.class).orElse(false);
            ClusterSeal seal;
            try {
                seal = seal(config.getOptionalValue("hearth.cluster.secret", String.class).orElse(null), mode.equals("member") && members.isEmpty() && !multicast);
            } catch (IllegalArgumentException e) {
                // deny by default: no cluster without a secret; and say so where ops look (readiness, the log)
                LOG.severe("the cluster is not joined: " + e.getMessage());
                return new SharedTierHolder(null, null, e.getMessage());
            }
            BlockCacheConfig cache = new BlockCacheConfig(config.getOptionalValue("hearth.cluster.max-blocks", Integer.class).orElse(10_000),
                    duration(config, "hearth.cluster.ttl", "1h"));
            ClusterConnection connection;
            String where;
            switch (mode) {
                case "member" -> {
                    int port = config.getOptionalValue("hearth.cluster.port", Integer.class).orElse(5701);
                    connection = new ClusterMember(name, port, members, multicast, cache, seal).start();
                    where = "Hazelcast member on port " + port + (multicast ? ", finding members by multicast"
                            : members.isEmpty() ? " (a cluster of one, on loopback only)" : ", members " + members);
                }
                case "client" -> {
                    if (members.isEmpty()) throw new IllegalArgumentException("hearth.cluster.mode=client needs hearth.cluster.members");
                    connection = new ClusterClient(name, members, cache, duration(config, "hearth.cluster.connect-timeout", "30s"), seal).connect();
                    where = "Hazelcast client of " + members;
                }
                default -> throw new IllegalArgumentException("hearth.cluster.mode is '" + mode + "'; use member or client");
            }
            JCacheSharedTier tier = new JCacheSharedTier(connection,
                    config.getOptionalValue("hearth.cluster.publish-queue", Integer.class).orElse(256));
            registerGauges(registry, connection, tier);
            LOG.info(() -> "prefix cache shared tier: " + where + "; Hazelcast cluster name " + seal.clusterName(name));
            return new SharedTierHolder(connection, tier, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the prefix cache's shared tier did not start (" + e.getMessage() + "); this server uses local blocks only", e);
            return new SharedTierHolder(null, null, null);
        }
    }

    /**
     * The configured secret's seal; a cluster of one without a secret gets a random one (nobody else is to join). A
     * cluster with others to join and no secret is refused: the server then runs alone, saying why.
     */
    private static ClusterSeal seal(String secret, boolean alone) {
        if (secret != null && !secret.isBlank()) return ClusterSeal.of(secret);
        if (alone) return ClusterSeal.random();
        throw new IllegalArgumentException("hearth.cluster.secret (HEARTH_CLUSTER_SECRET) is not set: members and clients of a cluster must share "
                + "a secret of at least " + ClusterSeal.MIN_SECRET_CHARS + " characters, or anyone who reaches the cluster port could join it");
    }

    private static Duration duration(Config config, String key, String fallback) {
        return PoolSettings.duration(config.getOptionalValue(key, String.class).orElse(fallback));
    }

    private static void registerGauges(MetricRegistry registry, ClusterConnection connection, JCacheSharedTier tier) {
        registry.gauge("hearth.prefix.shared.blocks.published", tier, JCacheSharedTier::published);
        registry.gauge(Metadata.builder().withName("hearth.prefix.shared.published").withUnit(MetricUnits.BYTES).build(), tier,
                JCacheSharedTier::publishedBytes);
        registry.gauge("hearth.prefix.shared.publish.drops", tier, JCacheSharedTier::dropped);
        registry.gauge("hearth.prefix.shared.damaged", tier, JCacheSharedTier::damaged);
        registry.gauge("hearth.prefix.shared.available", tier, t -> t.available() ? 1 : 0);
        registry.gauge("hearth.prefix.shared.blocks.owned", connection, ClusterConnection::ownedBlocks);
        registry.gauge("hearth.prefix.shared.members", connection, ClusterConnection::members);
        registry.gauge("hearth.cluster.rejected.entries", connection, c -> c.seal().rejected());
    }

    SharedTier tier() {
        return tier != null ? tier : SharedTier.NONE;
    }

    /** This server's connection to the cluster, or null when it has none. */
    ClusterConnection connection() {
        return connection;
    }

    /** Why the cluster settings could not be used (the server reports itself not ready), or null. */
    String misconfigured() {
        return misconfigured;
    }

    /** The running shared tier, or null when this server has none. */
    JCacheSharedTier running() {
        return tier;
    }

    @Override
    public void close() {
        if (tier != null) tier.close();
        if (connection != null) connection.close();
    }
}
