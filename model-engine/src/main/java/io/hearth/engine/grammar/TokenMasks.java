package io.hearth.engine.grammar;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The allowed-token masks of one grammar on one vocabulary, cached by grammar state. A JSON answer revisits the same
 * few states over and over (inside a string, after a comma, between properties), so after the first steps almost
 * every mask is a lookup; a miss costs one walk over the sorted vocabulary, which checks each shared token prefix
 * once and skips every token below a prefix the grammar rejects.
 */
public final class TokenMasks {
    /** Bound on cached states per grammar and vocabulary; past it the cache starts over (states of one long answer). */
    static final int MAX_CACHED_STATES = 4096;
    private static final Map<Grammar, Map<VocabularyIndex, TokenMasks>> ALL = new WeakHashMap<>();

    private final Grammar grammar;
    private final VocabularyIndex vocab;
    private final GrammarState start;
    private final ConcurrentHashMap<GrammarState, long[]> cache = new ConcurrentHashMap<>();

    private TokenMasks(Grammar grammar, VocabularyIndex vocab) {
        this.grammar = grammar;
        this.vocab = vocab;
        this.start = GrammarState.start(grammar);
    }

    public static TokenMasks of(Grammar grammar, VocabularyIndex vocab) {
        synchronized (ALL) {
            return ALL.computeIfAbsent(grammar, g -> new WeakHashMap<>()).computeIfAbsent(vocab, v -> new TokenMasks(grammar, v));
        }
    }

    GrammarState start() {
        return start;
    }

    VocabularyIndex vocabulary() {
        return vocab;
    }

    Grammar grammar() {
        return grammar;
    }

    /** Bit i set: token i may come next (end-of-generation tokens included where the grammar may end). */
    long[] mask(GrammarState state) {
        long[] mask = cache.get(state);
        if (mask != null) return mask;
        mask = compute(state);
        if (cache.size() >= MAX_CACHED_STATES) cache.clear();
        cache.put(state, mask);
        return mask;
    }

    int cachedStates() {
        return cache.size();
    }

    private long[] compute(GrammarState state) {
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
