package io.hearth.engine.kv;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Accounting for a fixed set of KV blocks of {@value #BLOCK_TOKENS} tokens: who holds each block, and which full
 * blocks hold the KV of a known token chain.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every block is either referenced ({@code refCount > 0}) or in the free queue, never both.</li>
 *   <li>A block carries a hash only when it is full and holds exactly the KV of the chain that hash names;
 *       {@code cached} maps each such hash to one block carrying it.</li>
 *   <li>A freed block keeps its hash and stays findable until it is handed out again; allocation takes the
 *       least recently freed block, so recently used prefixes survive longest (LRU eviction).</li>
 * </ul>
 * All methods are synchronized: the pool is shared by every sequence of one replica.
 */
public final class BlockPool {
    public static final int BLOCK_TOKENS = 16;

    private final int capacity;
    private final int[] refCount;
    private final BlockHash[] hashes;
    private final LinkedHashSet<Integer> free = new LinkedHashSet<>();
    private final Map<BlockHash, Integer> cached = new HashMap<>();

    public BlockPool(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("a KV pool needs at least one block");
        this.capacity = capacity;
        this.refCount = new int[capacity];
        this.hashes = new BlockHash[capacity];
        for (int i = 0; i < capacity; i++) free.add(i);
    }

    public int capacity() {
        return capacity;
    }

    /** Takes a free block (evicting the least recently freed cached block if that is what is left). */
    public synchronized int allocate() {
        Iterator<Integer> it = free.iterator();
        if (!it.hasNext()) throw new KvCacheFullException(1, capacity);
        int block = it.next();
        it.remove();
        if (hashes[block] != null) {
            cached.remove(hashes[block], block);
            hashes[block] = null;
        }
        refCount[block] = 1;
        return block;
    }

    /** The block holding the chain {@code hash}, with a new reference taken on it, or -1. */
    public synchronized int acquireCached(BlockHash hash) {
        Integer block = cached.get(hash);
        if (block == null) return -1;
        if (refCount[block]++ == 0) free.remove(block);
        return block;
    }

    /** Records that the full, referenced block now holds the chain {@code hash}; a chain already cached is kept. */
    public synchronized void register(int block, BlockHash hash) {
        if (refCount[block] == 0) throw new IllegalStateException("block " + block + " is not held");
        if (hashes[block] != null || cached.containsKey(hash)) return;
        hashes[block] = hash;
        cached.put(hash, block);
    }

    public synchronized void release(int block) {
        if (refCount[block] <= 0) throw new IllegalStateException("block " + block + " released more often than held");
        if (--refCount[block] == 0) free.add(block);
    }

    /** Whether a block holds the chain {@code hash} (a hint: it may be evicted right after). */
    public synchronized boolean contains(BlockHash hash) {
        return cached.containsKey(hash);
    }

    /**
     * Forgets the chains of the cached blocks no sequence holds (ops clearing a model's prefix cache); blocks in use
     * keep theirs. Returns how many were forgotten.
     */
    public synchronized int forgetUnreferenced() {
        int forgotten = 0;
        for (int block : free) {
            if (hashes[block] != null) {
                cached.remove(hashes[block], block);
                hashes[block] = null;
                forgotten++;
            }
        }
        return forgotten;
    }

    public synchronized int freeBlocks() {
        return free.size();
    }

    public synchronized int cachedBlocks() {
        return cached.size();
    }

    public synchronized int refCount(int block) {
        return refCount[block];
    }
}
