package io.hearth.engine.grammar;

import java.lang.ref.Cleaner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The allowed-token masks of one grammar on one vocabulary, cached by grammar state. A JSON answer revisits the same
 * few states over and over (inside a string, after a comma, between properties), so after the first steps almost
 * every mask is a lookup; a miss costs one walk over the sorted vocabulary, which checks each shared token prefix
 * once and skips every token below a prefix the grammar rejects.
 *
 * <p>Memory: the masks of a grammar live with the grammar ({@link Grammar} holds them per vocabulary, weakly), at
 * most {@link #MAX_CACHED_STATES} states each, and all grammars' masks together within {@link #MAX_CACHED_BYTES}:
 * past it a mask is computed and not kept, so no stream of new schemas can fill the heap.
 */
public final class TokenMasks {
    /** Bound on cached states per grammar and vocabulary; past it the cache starts over (states of one long answer). */
    static final int MAX_CACHED_STATES = 4096;
    /** Bound on the bytes of every cached mask of every grammar. */
    static final long MAX_CACHED_BYTES = 256L << 20;
    private static final AtomicLong CACHED_BYTES = new AtomicLong();
    private static final Cleaner RELEASE = Cleaner.create();

    private final GrammarState start;
    private final ConcurrentHashMap<GrammarState, long[]> cache = new ConcurrentHashMap<>();
    /** This cache's share of {@link #CACHED_BYTES}, given back when it is cleared or collected. */
    private final AtomicLong bytes = new AtomicLong();

    private TokenMasks(Grammar grammar) {
        this.start = GrammarState.start(grammar);
        AtomicLong mine = bytes;
        RELEASE.register(this, () -> CACHED_BYTES.addAndGet(-mine.getAndSet(0)));
    }

    /** The masks of {@code grammar} on {@code vocab}, made once per pair. */
    public static TokenMasks of(Grammar grammar, VocabularyIndex vocab) {
        synchronized (grammar.masks) {
            return grammar.masks.computeIfAbsent(vocab, v -> new TokenMasks(grammar));
        }
    }

    GrammarState start() {
        return start;
    }

    /** Bit i set: token i may come next (end-of-generation tokens included where the grammar may end). */
    long[] mask(GrammarState state, VocabularyIndex vocab) {
        long[] mask = cache.get(state);
        if (mask != null) return mask;
        mask = compute(state, vocab);
        long size = mask.length * 8L;
        if (cache.size() >= MAX_CACHED_STATES) {
            cache.clear();
            CACHED_BYTES.addAndGet(-bytes.getAndSet(0));
        }
        if (CACHED_BYTES.addAndGet(size) <= MAX_CACHED_BYTES) {
            bytes.addAndGet(size);
            cache.put(state, mask);
        } else {
            CACHED_BYTES.addAndGet(-size);
        }
        return mask;
    }

    private static long[] compute(GrammarState state, VocabularyIndex vocab) {
        long[] mask = new long[(vocab.size + 63) >>> 6];
        if (state.canEnd) for (int id : vocab.endOfGeneration) mask[id >>> 6] |= 1L << id;
        if (state.complete()) return mask;
        GrammarState[] prefix = new GrammarState[64];
        prefix[0] = state;
        int alive = 0; // prefix[0..alive] hold the states after the previous token's first bytes
        int[] sorted = vocab.sorted, shared = vocab.sharedPrefix;
        for (int i = 0; i < sorted.length; i++) {
            if (shared[i] > alive) continue; // it begins with a prefix already rejected
            byte[] b = vocab.bytes[sorted[i]];
            if (b.length >= prefix.length) prefix = java.util.Arrays.copyOf(prefix, b.length * 2);
            int depth = shared[i];
            while (depth < b.length) {
                GrammarState next = prefix[depth].advance(b[depth] & 0xFF);
                if (next == null) break;
                prefix[++depth] = next;
            }
            alive = depth;
            if (depth == b.length) mask[sorted[i] >>> 6] |= 1L << sorted[i];
        }
        return mask;
    }
}
