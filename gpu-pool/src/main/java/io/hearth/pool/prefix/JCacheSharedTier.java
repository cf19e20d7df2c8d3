package io.hearth.pool.prefix;

import io.hearth.engine.kv.BlockHash;
import io.hearth.pool.SharedBlocks;
import io.hearth.pool.SharedTier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;

/**
 * The shared tier on a JCache {@code Cache<String, byte[]>} (Hazelcast's in the server), keyed
 * {@code <model>/<chain hash>} so one model's entries can be cleared. Lookups are one batched {@code getAll};
 * publishing runs on one background thread behind a bounded queue, and a full queue drops the block (counted)
 * rather than delay the step loop that offered it. An entry that does not open under the cluster's seal ({@link ClusterSeal}: damaged, forged, or moved to
 * another block's key) is a miss and is removed.
 * Any cache error marks the tier unavailable (logged once) and is answered as a miss; the next successful call
 * marks it available again.
 */
public final class JCacheSharedTier implements SharedTier, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JCacheSharedTier.class.getName());

    private final Cache<String, byte[]> cache;
    private final BooleanSupplier reachable;
    private final ClusterSeal seal;
    private final ThreadPoolExecutor publisher;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicLong hits = new AtomicLong(), dropped = new AtomicLong(), published = new AtomicLong(),
            publishedBytes = new AtomicLong(), damaged = new AtomicLong();

    /** The tier on a connection to the cluster, asked before every use whether it can reach it. */
    public JCacheSharedTier(ClusterConnection connection, int queuedBlocks) {
        this(connection.blocks(), connection.seal(), connection::reachable, queuedBlocks);
    }

    /**
     * @param seal         seals each block for its key, so only members with the cluster secret read or write one
     * @param reachable    whether the cache can be used now (false: lookups miss and blocks are dropped at once)
     * @param queuedBlocks blocks that may wait to be published; beyond it new ones are dropped
     */
    public JCacheSharedTier(Cache<String, byte[]> cache, ClusterSeal seal, BooleanSupplier reachable, int queuedBlocks) {
        this.cache = cache;
        this.seal = seal;
        this.reachable = reachable;
        this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queuedBlocks),
                r -> Thread.ofPlatform().daemon().name("hearth-prefix-publisher").unstarted(r), (task, pool) -> dropped.incrementAndGet());
    }

    /** A block's key: the model's name, then its chain hash (which holds the model digest and the KV layout). */
    static String key(String model, BlockHash hash) {
        return model + "/" + hash;
    }

    @Override
    public SharedBlocks forModel(String model) {
        return new SharedBlocks() {
            @Override
            public List<byte[]> lookup(List<BlockHash> hashes) {
                return JCacheSharedTier.this.lookup(model, hashes);
            }

            @Override
            public void publish(BlockHash hash, byte[] content) {
                JCacheSharedTier.this.publish(key(model, hash), content);
            }
        };
    }

    private List<byte[]> lookup(String model, List<BlockHash> hashes) {
        if (hashes.isEmpty()) return List.of();
        Set<String> keys = new LinkedHashSet<>();
        for (BlockHash h : hashes) keys.add(key(model, h));
        Map<String, byte[]> found;
        if (!reachable.getAsBoolean()) {
            unreachable("the cluster cannot be reached");
            return List.of();
        }
        try {
            found = cache.getAll(keys);
            reachable();
        } catch (RuntimeException e) {
            unreachable(e.toString());
            return List.of();
        }
        List<byte[]> chain = new ArrayList<>();
        for (String k : keys) {
            byte[] entry = found.get(k);
            if (entry == null) break;
            byte[] content = seal.openOrReport(k, entry);
            if (content == null) {
                // the seal logged it and counted it among the cluster's rejected entries; here it is a damaged block
                damaged.incrementAndGet();
                removeQuietly(k, entry);
                break;
            }
            chain.add(content);
        }
        hits.addAndGet(chain.size());
        return chain;
    }

    private void removeQuietly(String key, byte[] entry) {
        try {
            cache.remove(key, entry);
        } catch (RuntimeException e) {
            unreachable(e.toString());
        }
    }

    private void publish(String key, byte[] content) {
        publisher.execute(() -> {
            if (!reachable.getAsBoolean()) {
                dropped.incrementAndGet();
                unreachable("the cluster cannot be reached");
                return;
            }
            try {
                if (cache.putIfAbsent(key, seal.seal(key, content))) {
                    published.incrementAndGet();
                    publishedBytes.addAndGet(content.length);
                }
                reachable();
            } catch (RuntimeException e) {
                dropped.incrementAndGet();
                unreachable(e.toString());
            }
        });
    }

    /** Removes every entry of {@code model} from the cluster's tier; returns how many there were. */
    public int clear(String model) {
        String prefix = model + "/";
        Set<String> keys = new HashSet<>();
        for (Cache.Entry<String, byte[]> e : cache) {
            if (e.getKey().startsWith(prefix)) keys.add(e.getKey());
        }
        cache.removeAll(keys);
        return keys.size();
    }

    private void reachable() {
        if (available.compareAndSet(false, true)) LOG.log(System.Logger.Level.INFO, "the shared prefix tier is reachable again");
    }

    private void unreachable(String why) {
        if (available.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.WARNING, "the shared prefix tier is unreachable (" + why + "); requests go on with local blocks only");
        }
    }

    public boolean available() {
        return available.get();
    }

    /** Blocks found in the tier by this server's lookups. */
    public long hits() {
        return hits.get();
    }

    /** Blocks this server stored in the tier, and their bytes. */
    public long published() {
        return published.get();
    }

    public long publishedBytes() {
        return publishedBytes.get();
    }

    /** Blocks offered but not stored: the queue was full, or the tier was unreachable. */
    public long dropped() {
        return dropped.get();
    }

    /** Damaged entries found, removed and read as misses. */
    public long damaged() {
        return damaged.get();
    }

    @Override
    public void close() {
        publisher.shutdown();
    }
}
