package io.hearth.runtime.cluster;

import io.hearth.pool.prefix.BlockCacheConfig;
import io.hearth.pool.prefix.ClusterClient;
import io.hearth.pool.prefix.ClusterConnection;
import io.hearth.pool.prefix.ClusterMember;
import io.hearth.pool.prefix.ClusterSeal;
import io.hearth.runtime.config.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Joins this server to its Hazelcast cluster, from {@code hearth.cluster.*} (each also an environment variable,
 * {@code HEARTH_CLUSTER_PORT}):
 * <ul>
 *   <li>{@code enabled} (true), {@code name} ({@code hearth}: only members with the same name join),</li>
 *   <li>{@code mode}: {@code member} (default: an embedded Hazelcast member on {@code port}, 5701, joining
 *       {@code members}, host:port comma-separated, none: a cluster of one; or by {@code multicast}, false) or {@code client} (a client of an
 *       external cluster reached through {@code members}, connecting within {@code connect-timeout}, 30s),</li>
 *   <li>{@code max-blocks} (10000 per member), {@code ttl} ({@code 1h}): the shared tier's block cache,</li>
 *   <li>{@code secret} ({@code HEARTH_CLUSTER_SECRET}, at least 16 characters, the same on every member): required as
 *       soon as there are others to join (members, multicast, or client mode), since it is what lets a member or
 *       client in and what every shared value is sealed with ({@link ClusterSeal}). Without others a member listens on
 *       loopback only and makes a secret of its own, so no other process joins it.</li>
 * </ul>
 * A cluster that cannot be joined (a taken port, no cluster to connect to) is logged and the server runs alone:
 * losing the cluster slows requests down, it never fails them. Settings that cannot be used (no secret) leave the
 * server alone and not ready, saying why.
 */
@ApplicationScoped
public class ClusterProducer {
    private static final Logger LOG = Logger.getLogger(ClusterProducer.class.getName());

    @Produces
    @Singleton
    Cluster cluster(Config config, MetricRegistry registry) {
        if (!config.getOptionalValue("hearth.cluster.enabled", Boolean.class).orElse(true)) return Cluster.NONE;
        List<String> members = Arrays.stream(config.getOptionalValue("hearth.cluster.members", String.class).orElse("").split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).toList();
        String name = config.getOptionalValue("hearth.cluster.name", String.class).orElse("hearth");
        String mode = config.getOptionalValue("hearth.cluster.mode", String.class).orElse("member");
        boolean multicast = config.getOptionalValue("hearth.cluster.multicast", Boolean.class).orElse(false);
        // settings that can never work are reported as such (not ready, with the reason), not taken for an unreachable cluster
        if (!mode.equals("member") && !mode.equals("client")) return misconfigured("hearth.cluster.mode is '" + mode + "'; use member or client");
        if (mode.equals("client") && members.isEmpty()) return misconfigured("hearth.cluster.mode=client needs hearth.cluster.members");
        ClusterSeal seal;
        try {
            seal = seal(config.getOptionalValue("hearth.cluster.secret", String.class).orElse(null), mode.equals("member") && members.isEmpty() && !multicast);
        } catch (IllegalArgumentException e) {
            // deny by default: no cluster without a secret; and say so where ops look (readiness, the log)
            return misconfigured(e.getMessage());
        }
        try {
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
                    connection = new ClusterClient(name, members, cache, duration(config, "hearth.cluster.connect-timeout", "30s"), seal).connect();
                    where = "Hazelcast client of " + members;
                }
                default -> throw new IllegalStateException("mode " + mode + " was checked above");
            }
            registry.gauge("hearth.prefix.shared.blocks.owned", connection, ClusterConnection::ownedBlocks);
            registry.gauge("hearth.prefix.shared.members", connection, ClusterConnection::members);
            registry.gauge("hearth.cluster.rejected.entries", connection, c -> c.seal().rejected());
            LOG.info(() -> "cluster: " + where + "; Hazelcast cluster name " + seal.clusterName(name));
            return new Cluster(connection, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the cluster was not joined (" + e.getMessage() + "); this server runs alone, on local blocks only", e);
            return Cluster.NONE;
        }
    }

    private static Cluster misconfigured(String why) {
        LOG.severe("the cluster is not joined: " + why);
        return new Cluster(null, why);
    }

    void leave(@Disposes Cluster cluster) {
        cluster.close();
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

    static Duration duration(Config config, String key, String fallback) {
        return Durations.parse(config.getOptionalValue(key, String.class).orElse(fallback));
    }
}
