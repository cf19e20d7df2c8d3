package io.hearth.pool.prefix;

import io.hearth.engine.kv.BlockHash;
import io.hearth.pool.SharedBlocks;

import javax.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared tier on a JCache {@code Cache<String, byte[]>} (Hazelcast's in the server). Lookups are one batched
 * {@code getAll}; publishing runs on one background thread behind a bounded queue, and a full queue drops the block
 * (counted) rather than delay the step loop that offered it. Any cache error marks the tier unavailable (logged
 * once) and is answered as a miss; the next successful call marks it available again.
 */
public final class JCacheSharedBlocks implements SharedBlocks, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JCacheSharedBlocks.class.getName());

    private final Cache<String, byte[]> cache;
    private final ThreadPoolExecutor publisher;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicLong hits = new AtomicLong(), dropped = new AtomicLong(), published = new AtomicLong();

    /** @param queuedBlocks blocks that may wait to be published; beyond it new ones are dropped */
    public JCacheSharedBlocks(Cache<String, byte[]> cache, int queuedBlocks) {
        this.cache = cache;
        this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queuedBlocks),
                r -> Thread.ofPlatform().daemon().name("hearth-prefix-publisher").unstarted(r), (task, pool) -> dropped.incrementAndGet());
    }

    /** A block's key: its chain hash, which already holds the model digest and the KV layout. */
    static String key(BlockHash hash) {
        return String.format("%016x%016x", hash.high(), hash.low());
    }

    @Override
    public List<byte[]> lookup(List<BlockHash> hashes) {
        if (hashes.isEmpty()) return List.of();
        Set<String> keys = new LinkedHashSet<>();
        for (BlockHash h : hashes) keys.add(key(h));
        Map<String, byte[]> found;
        try {
            found = cache.getAll(keys);
            reachable();
        } catch (RuntimeException e) {
            unreachable(e);
            return List.of();
        }
        List<byte[]> chain = new ArrayList<>();
        for (String k : keys) {
            byte[] content = found.get(k);
            if (content == null) break;
            chain.add(content);
        }
        hits.addAndGet(chain.size());
        return chain;
    }

    @Override
    public void publish(BlockHash hash, byte[] content) {
        publisher.execute(() -> {
            try {
                cache.putIfAbsent(key(hash), content);
                published.incrementAndGet();
                reachable();
            } catch (RuntimeException e) {
                dropped.incrementAndGet();
                unreachable(e);
            }
        });
    }

    private void reachable() {
        if (available.compareAndSet(false, true)) LOG.log(System.Logger.Level.INFO, "the shared prefix tier is reachable again");
    }

    private void unreachable(RuntimeException e) {
        if (available.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.WARNING, "the shared prefix tier is unreachable (" + e + "); requests go on with local blocks only");
        }
    }

    public boolean available() {
        return available.get();
    }

    /** Blocks found in the tier, published to it, and dropped instead of published. */
    public long hits() {
        return hits.get();
    }

    public long published() {
        return published.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        publisher.shutdown();
    }
}
