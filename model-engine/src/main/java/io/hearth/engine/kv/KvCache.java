package io.hearth.engine.kv;

import io.hearth.engine.model.Model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

/**
 * The paged KV cache of one loaded model: block accounting ({@link BlockPool}) plus the storage of keys and values
 * ({@link KvStore}). Sequences reuse full blocks whose chain hash is already cached, so a repeated prefix is
 * computed once; the last prompt token is always recomputed, so its logits exist.
 */
public final class KvCache {
    private final BlockPool pool;
    private final KvStore store;
    private final byte[] extraKey;

    /**
     * @param extraKey bytes that make block identities unique to this model and KV layout (model digest, dtype)
     */
    public KvCache(BlockPool pool, KvStore store, byte[] extraKey) {
        this.pool = pool;
        this.store = store;
        this.extraKey = extraKey.clone();
    }

    /**
     * The cache of {@code model} over {@code store} ({@code blocks} blocks): block identities are unique to the model's
     * digest and the store's layout (type, kvDim), so backends with the same layout share blocks and no other does.
     */
    public static KvCache forModel(Model model, KvStore store, int blocks) {
        byte[] layout = (store.type().name() + "/" + model.config().kvDim()).getBytes(StandardCharsets.UTF_8);
        byte[] extraKey = Arrays.copyOf(model.digest(), 32 + layout.length);
        System.arraycopy(layout, 0, extraKey, 32, layout.length);
        return new KvCache(new BlockPool(blocks), store, extraKey);
    }

    /** Blocks that hold {@code tokens} tokens. */
    public static int blocksFor(int tokens) {
        return (tokens + BlockPool.BLOCK_TOKENS - 1) / BlockPool.BLOCK_TOKENS;
    }

    public BlockPool pool() {
        return pool;
    }

    public KvStore store() {
        return store;
    }

    public Sequence newSequence() {
        return new Sequence(CacheScope.UNSCOPED);
    }

    /** An empty sequence whose blocks chain in {@code scope} ({@link #scope}), so they are cached under it. */
    public Sequence newSequence(CacheScope scope) {
        return new Sequence(scope);
    }

    /**
     * The cache scope of a salt: the chain of everyone without a scope for a null or empty salt, else chains from a
     * hash of the salt and this cache's extra key. Blocks chained from different roots never match, so a tenant can
     * neither hit another tenant's blocks nor learn, by timing, which prompts it sent.
     */
    public CacheScope scope(String salt) {
        return new CacheScope(rootOf(salt), 0, null);
    }

    /**
     * As {@link #scope(String)}, turning private to {@code tenant} after the first {@code publicTokens} tokens: full
     * blocks inside that public start are shared by every caller of the scope, every later block only by callers of
     * the same tenant (no tenant: {@link #scope(String)}).
     */
    public CacheScope scope(String salt, String tenant, int publicTokens) {
        if (tenant == null || tenant.isEmpty()) return scope(salt);
        return new CacheScope(rootOf(salt), publicTokens / BlockPool.BLOCK_TOKENS, BlockHash.scopeRoot("tenant\0" + tenant, extraKey));
    }

    private BlockHash rootOf(String salt) {
        if (salt == null || salt.isEmpty()) return null;
        return BlockHash.scopeRoot(salt, extraKey);
    }

    /**
     * Attaches the cached blocks that hold a prefix of {@code prompt} to an empty sequence, leaving at least one
     * token to compute. Returns the number of prompt tokens whose KV is now present.
     */
    public int attachCachedPrefix(Sequence sequence, int[] prompt) {
        return attachCachedPrefix(sequence, prompt, prefixHashes(prompt));
    }

    /** As {@link #attachCachedPrefix(Sequence, int[])}, for a caller that has the prompt's {@link #prefixHashes} already. */
    public int attachCachedPrefix(Sequence sequence, int[] prompt, List<BlockHash> hashes) {
        if (sequence.length() != 0) throw new IllegalStateException("prefix reuse needs an empty sequence");
        for (int b = 0; b < hashes.size(); b++) {
            int block = pool.acquireCached(hashes.get(b));
            if (block < 0) break;
            sequence.addBlock(block);
            sequence.appendTokens(Arrays.copyOfRange(prompt, b * BlockPool.BLOCK_TOKENS, (b + 1) * BlockPool.BLOCK_TOKENS));
            sequence.lastFullBlockHash(hashes.get(b));
        }
        return sequence.length();
    }

    /**
     * The chain hashes of {@code prompt}'s reusable full blocks, in order (the last prompt token is always computed,
     * as in {@link #attachCachedPrefix}): what a lookup beyond this cache asks for.
     */
    public List<BlockHash> prefixHashes(int[] prompt) {
        return prefixHashes(prompt, CacheScope.UNSCOPED);
    }

    /** As {@link #prefixHashes(int[])}, chained in {@code scope} ({@link #scope}). */
    public List<BlockHash> prefixHashes(int[] prompt, CacheScope scope) {
        List<BlockHash> hashes = new ArrayList<>();
        BlockHash parent = scope.root();
        for (int b = 0; b < (prompt.length - 1) / BlockPool.BLOCK_TOKENS; b++) {
            parent = BlockHash.of(scope.parentOf(b, parent), prompt, b * BlockPool.BLOCK_TOKENS, BlockPool.BLOCK_TOKENS, extraKey);
            hashes.add(parent);
        }
        return hashes;
    }

    /** How many of {@code hashes}, from the first, are cached here now (a hint for what to fetch from elsewhere). */
    public int cachedLeading(List<BlockHash> hashes) {
        int n = 0;
        while (n < hashes.size() && pool.contains(hashes.get(n))) n++;
        return n;
    }

    /** The KV of the cached block named {@code hash}, exported ({@link KvStore#exportBlock}); null if it is not cached. */
    public byte[] exportCached(BlockHash hash) {
        int block = pool.acquireCached(hash);
        if (block < 0) return null;
        try {
            ByteBuffer out = ByteBuffer.allocate(store.blockBytes());
            store.exportBlock(block, out);
            return out.array();
        } finally {
            pool.release(block);
        }
    }

    /**
     * Caches a block computed elsewhere under its chain hash, so later prompts find it as if it had been computed here
     * (taking a free block as computing it would: the least recently used cached one goes if nothing else is free).
     * False when it is cached already, the content does not fit this cache's layout, or every block is in use. Call it
     * from the thread that runs this cache's forward passes (a replica's step loop).
     */
    public boolean importCached(BlockHash hash, byte[] content) {
        if (content.length != store.blockBytes()) return false;
        int existing = pool.acquireCached(hash);
        if (existing >= 0) {
            pool.release(existing);
            return false;
        }
        if (pool.freeBlocks() == 0) return false;
        int block = pool.allocate();
        store.importBlock(block, ByteBuffer.wrap(content));
        pool.register(block, hash);
        pool.release(block);
        return true;
    }

    /** Makes sure blocks exist for positions up to {@code length + extra}; all or nothing. */
    public void reserve(Sequence sequence, int extra) {
        int needed = (sequence.length() + extra + BlockPool.BLOCK_TOKENS - 1) / BlockPool.BLOCK_TOKENS - sequence.blockCount();
        if (needed <= 0) return;
        if (needed > pool.freeBlocks()) throw new KvCacheFullException(needed, pool.capacity());
        for (int i = 0; i < needed; i++) sequence.addBlock(pool.allocate());
    }

    /** Records tokens whose KV the forward pass has just written, and names the blocks they completed. */
    public void commit(Sequence sequence, int[] newTokens) {
        int before = sequence.length();
        sequence.appendTokens(newTokens);
        int fullBefore = before / BlockPool.BLOCK_TOKENS, fullAfter = sequence.length() / BlockPool.BLOCK_TOKENS;
        for (int b = fullBefore; b < fullAfter; b++) {
            BlockHash hash = BlockHash.of(sequence.scope().parentOf(b, sequence.lastFullBlockHash()), sequence.rawTokens(), b * BlockPool.BLOCK_TOKENS,
                    BlockPool.BLOCK_TOKENS, extraKey);
            pool.register(sequence.block(b), hash);
            sequence.lastFullBlockHash(hash);
        }
    }

    /** Returns the sequence's blocks, tail first, so that shared heads of prompts stay cached longest. */
    public void release(Sequence sequence) {
        if (sequence.isReleased()) return;
        int[] blocks = sequence.takeBlocks();
        for (int i = blocks.length - 1; i >= 0; i--) pool.release(blocks[i]);
    }
}
