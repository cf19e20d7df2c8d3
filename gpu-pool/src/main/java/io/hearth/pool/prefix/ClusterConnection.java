package io.hearth.pool.prefix;

import com.hazelcast.cache.ICache;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;

import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;

/**
 * This server's place in the Hazelcast cluster (an embedded member, or a client of an external cluster) and the
 * cluster's JCache of KV blocks. Closing it leaves the cluster. Members joining and leaving are logged, so ops see
 * when the tier's capacity (and the blocks the leaver owned) changed.
 */
public final class ClusterConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterConnection.class.getName());

    private final HazelcastInstance hazelcast;
    private final boolean member;
    private final Cache<String, byte[]> blocks;
    private final ClusterSeal seal;
    /** A client's link to its cluster (a member is always linked to itself while it runs). */
    private final AtomicBoolean linked = new AtomicBoolean(true);

    ClusterConnection(HazelcastInstance hazelcast, boolean member, Cache<String, byte[]> blocks, ClusterSeal seal) {
        this.hazelcast = hazelcast;
        this.member = member;
        this.blocks = blocks;
        this.seal = seal;
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                LOG.log(System.Logger.Level.INFO, "prefix cache cluster: " + e.getMember().getAddress() + " joined; " + e.getMembers().size() + " members");
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                LOG.log(System.Logger.Level.WARNING, "prefix cache cluster: " + e.getMember().getAddress() + " left (the blocks it owned are gone); "
                        + e.getMembers().size() + " members");
            }
        });
        if (!member) {
            hazelcast.getLifecycleService().addLifecycleListener(e -> {
                if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_DISCONNECTED) linked.set(false);
                if (e.getState() == LifecycleEvent.LifecycleState.CLIENT_CONNECTED) linked.set(true);
            });
        }
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    public Cache<String, byte[]> blocks() {
        return blocks;
    }

    /** The cluster secret's seal: every value written to a shared map or cache goes through it. */
    public ClusterSeal seal() {
        return seal;
    }

    /**
     * Whether calls on the cache can reach the cluster now. Asked before each use because a stopped member's cache
     * answers every get with nothing rather than an error, and a disconnected client's calls wait to reconnect.
     */
    public boolean reachable() {
        return hazelcast.getLifecycleService().isRunning() && linked.get();
    }

    /** Members of the cluster as this server sees it (0 once it lost the cluster). */
    public int members() {
        return reachable() ? hazelcast.getCluster().getMembers().size() : 0;
    }

    /** Blocks this member holds as their owner (0 for a client, which holds none). */
    public long ownedBlocks() {
        if (!member || !reachable()) return 0;
        return blocks.unwrap(ICache.class).getLocalCacheStatistics().getOwnedEntryCount();
    }

    @Override
    public void close() {
        hazelcast.shutdown();
    }
}
