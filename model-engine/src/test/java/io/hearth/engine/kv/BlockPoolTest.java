package io.hearth.engine.kv;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlockPoolTest {
    private static final byte[] MODEL_A = {1}, MODEL_B = {2};

    private static int[] tokens(int from, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = from + i;
        return t;
    }

    @Test
    void hashNamesTheWholeChainAndTheModel() {
        int[] t = tokens(0, 32);
        BlockHash first = BlockHash.of(null, t, 0, 16, MODEL_A);
        assertEquals(first, BlockHash.of(null, t, 0, 16, MODEL_A));
        assertNotEquals(first, BlockHash.of(null, t, 0, 16, MODEL_B), "other model digest");
        assertNotEquals(first, BlockHash.of(null, t, 16, 16, MODEL_A), "other tokens");
        BlockHash second = BlockHash.of(first, t, 16, 16, MODEL_A);
        assertNotEquals(second, BlockHash.of(null, t, 16, 16, MODEL_A), "same tokens after another parent");
    }

    @Test
    void sequencesShareFullPrefixBlocksAndRecomputeTheLastToken() {
        KvCache kv = new KvCache(new BlockPool(8), HostKvStore.create(KvType.F32, 1, 8, 4), MODEL_A);
        int[] prompt = tokens(100, 40);
        Sequence a = kv.newSequence();
        assertEquals(0, kv.attachCachedPrefix(a, prompt));
        kv.reserve(a, prompt.length);
        kv.commit(a, prompt);
        assertEquals(2, kv.pool().cachedBlocks(), "two full blocks of 16 named");

        Sequence b = kv.newSequence();
        assertEquals(32, kv.attachCachedPrefix(b, prompt), "both full blocks reused");
        assertEquals(a.block(0), b.block(0));
        assertEquals(a.block(1), b.block(1));
        assertEquals(2, kv.pool().refCount(a.block(0)));

        Sequence c = kv.newSequence();
        assertEquals(16, kv.attachCachedPrefix(c, tokens(100, 32)), "a 32-token prompt keeps its last block to compute");
        kv.release(c);

        int[] other = prompt.clone();
        other[20] = 7;
        Sequence d = kv.newSequence();
        assertEquals(16, kv.attachCachedPrefix(d, other), "stops at the first differing block");
        kv.release(d);
    }

    @Test
    void blocksCachedInOneScopeAreNeverFoundFromAnother() {
        KvCache kv = new KvCache(new BlockPool(8), HostKvStore.create(KvType.F32, 1, 8, 4), MODEL_A);
        int[] prompt = tokens(100, 40);
        CacheScope tenantA = kv.scope("tenant-a"), tenantB = kv.scope("tenant-b");
        assertNull(kv.scope("").root(), "no salt: the unscoped chain");
        assertEquals(tenantA, kv.scope("tenant-a"));
        Sequence a = kv.newSequence(tenantA);
        kv.reserve(a, prompt.length);
        kv.commit(a, prompt);
        assertEquals(kv.prefixHashes(prompt, tenantA).get(1), a.lastFullBlockHash(), "a scope's blocks chain from its root");
        assertEquals(2, kv.cachedLeading(kv.prefixHashes(prompt, tenantA)), "the same scope finds its blocks");
        assertEquals(0, kv.cachedLeading(kv.prefixHashes(prompt, tenantB)), "another tenant does not");
        assertEquals(0, kv.cachedLeading(kv.prefixHashes(prompt)), "nor does an unscoped prompt");
        assertEquals(32, kv.attachCachedPrefix(kv.newSequence(tenantA), prompt, kv.prefixHashes(prompt, tenantA)));
        assertNotEquals(tenantA.root(), BlockHash.of(null, tokens(0, 16), 0, 16, MODEL_A), "a root is never a block's hash");
    }

    @Test
    void aTenantSharesThePublicStartAndKeepsTheRestToItself() {
        KvCache kv = new KvCache(new BlockPool(16), HostKvStore.create(KvType.F32, 1, 8, 4), MODEL_A);
        int[] prompt = tokens(100, 50);
        // 20 public tokens: block 0 is public, block 1 (tokens 16..31) already holds the caller's own tokens
        CacheScope alice = kv.scope("fn", "team-a", 20), bob = kv.scope("fn", "team-b", 20), aliceAgain = kv.scope("fn", "team-a", 20);
        Sequence a = kv.newSequence(alice);
        kv.reserve(a, prompt.length);
        kv.commit(a, prompt);
        assertEquals(kv.prefixHashes(prompt, alice).get(2), a.lastFullBlockHash(), "committing and looking up chain alike");
        assertEquals(3, kv.cachedLeading(kv.prefixHashes(prompt, aliceAgain)), "the same tenant finds every block");
        assertEquals(1, kv.cachedLeading(kv.prefixHashes(prompt, bob)), "another tenant finds only the public block");
        assertEquals(1, kv.cachedLeading(kv.prefixHashes(prompt, kv.scope("fn"))), "so does a caller without a tenant");
        assertEquals(kv.scope("fn"), kv.scope("fn", null, 20), "no tenant: the function's scope");
        assertEquals(0, kv.cachedLeading(kv.prefixHashes(prompt, kv.scope("fn", "team-b", 0))), "no public start: nothing shared");
    }

    @Test
    void freedBlocksStayCachedUntilReusedLeastRecentlyFreedFirst() {
        KvCache kv = new KvCache(new BlockPool(4), HostKvStore.create(KvType.F32, 1, 4, 4), MODEL_A);
        Sequence a = kv.newSequence();
        kv.reserve(a, 33);
        kv.commit(a, tokens(0, 33));
        kv.release(a);
        assertEquals(4, kv.pool().freeBlocks());
        assertEquals(2, kv.pool().cachedBlocks(), "still findable after release");

        Sequence again = kv.newSequence();
        assertEquals(32, kv.attachCachedPrefix(again, tokens(0, 33)));
        kv.release(again);

        Sequence big = kv.newSequence();
        kv.reserve(big, 48);
        assertEquals(1, kv.pool().cachedBlocks(), "eviction took the never-used block, then the tail block of the prefix");
        assertEquals(1, kv.pool().freeBlocks());
        Sequence none = kv.newSequence();
        assertEquals(16, kv.attachCachedPrefix(none, tokens(0, 33)), "the head block survived");
        assertThrows(KvCacheFullException.class, () -> kv.reserve(none, 17), "needs two more blocks, one is left");
        kv.release(none);
        kv.release(big);
    }

    @Test
    void releasingTwiceIsHarmlessButOverReleaseIsCaught() {
        BlockPool pool = new BlockPool(2);
        int block = pool.allocate();
        pool.release(block);
        assertThrows(IllegalStateException.class, () -> pool.release(block));
    }
}
