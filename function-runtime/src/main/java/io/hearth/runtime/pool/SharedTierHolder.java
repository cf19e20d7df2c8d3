package io.hearth.runtime.pool;

import io.hearth.pool.SharedBlocks;
import io.hearth.pool.prefix.ClusterMember;
import io.hearth.pool.prefix.JCacheSharedBlocks;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The prefix cache's shared tier of this server: an embedded Hazelcast member and its JCache of KV blocks, from
 * {@code hearth.cluster.*} (each also an environment variable, {@code HEARTH_CLUSTER_PORT}):
 * <ul>
 *   <li>{@code enabled} (true), {@code name} ({@code hearth}: only members with the same name join),</li>
 *   <li>{@code port} (5701), {@code members} (other members' host:port, comma-separated; none: a cluster of one),</li>
 *   <li>{@code max-blocks} (10000 per member), {@code ttl} ({@code 1h}), {@code publish-queue} (256 blocks).</li>
 * </ul>
 * A member that cannot start (a taken port) is logged and the server runs on local blocks only: losing the shared
 * tier slows requests down, it never fails them.
 */
final class SharedTierHolder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedTierHolder.class.getName());

    private final ClusterMember.Started member;
    private final JCacheSharedBlocks blocks;

    private SharedTierHolder(ClusterMember.Started member, JCacheSharedBlocks blocks) {
        this.member = member;
        this.blocks = blocks;
    }

    static SharedTierHolder start(Config config, MetricRegistry registry) {
        if (!config.getOptionalValue("hearth.cluster.enabled", Boolean.class).orElse(true)) return new SharedTierHolder(null, null);
        List<String> members = Arrays.stream(config.getOptionalValue("hearth.cluster.members", String.class).orElse("").split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).toList();
        ClusterMember cluster = new ClusterMember(config.getOptionalValue("hearth.cluster.name", String.class).orElse("hearth"),
                config.getOptionalValue("hearth.cluster.port", Integer.class).orElse(5701), members,
                config.getOptionalValue("hearth.cluster.max-blocks", Integer.class).orElse(10_000),
                PoolSettings.duration(config.getOptionalValue("hearth.cluster.ttl", String.class).orElse("1h")));
        try {
            ClusterMember.Started started = cluster.start();
            JCacheSharedBlocks blocks = new JCacheSharedBlocks(started.blocks(),
                    config.getOptionalValue("hearth.cluster.publish-queue", Integer.class).orElse(256));
            registry.gauge("hearth.prefix.shared.blocks.found", blocks, JCacheSharedBlocks::hits);
            registry.gauge("hearth.prefix.shared.blocks.published", blocks, JCacheSharedBlocks::published);
            registry.gauge("hearth.prefix.shared.publish.drops", blocks, JCacheSharedBlocks::dropped);
            registry.gauge("hearth.prefix.shared.available", blocks, b -> b.available() ? 1 : 0);
            LOG.info(() -> "prefix cache shared tier: Hazelcast member on port " + cluster.port() + (members.isEmpty() ? " (a cluster of one)"
                    : ", members " + members));
            return new SharedTierHolder(started, blocks);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the prefix cache's shared tier did not start (" + e.getMessage() + "); this server uses local blocks only", e);
            return new SharedTierHolder(null, null);
        }
    }

    SharedBlocks blocks() {
        return blocks != null ? blocks : SharedBlocks.NONE;
    }

    @Override
    public void close() {
        if (blocks != null) blocks.close();
        if (member != null) member.close();
    }
}
