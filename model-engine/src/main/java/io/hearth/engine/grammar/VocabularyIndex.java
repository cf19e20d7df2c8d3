package io.hearth.engine.grammar;

import io.hearth.engine.tokenizer.TokenType;
import io.hearth.engine.tokenizer.Tokenizer;
import io.hearth.engine.tokenizer.Vocabulary;

import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A model's vocabulary as a grammar sees it, computed once per tokenizer: each token's output bytes (exactly what
 * {@link io.hearth.engine.generate.Decoding} appends to the answer: byte-fallback tokens as their byte, SentencePiece
 * {@code ▁} as a space, byte-level BPE mapped back to bytes, pieces that end inside a UTF-8 character as they are),
 * sorted so tokens that share a prefix are neighbours. A mask is then one walk over the sorted list that checks each
 * shared prefix once (a trie walk without the trie). Control tokens, unknown and unused tokens and tokens without
 * bytes are never allowed under a grammar; the end-of-generation tokens are allowed only where it may end.
 */
public final class VocabularyIndex {
    private static final Map<Tokenizer, VocabularyIndex> INDEXES = new WeakHashMap<>();

    final int size;
    /** Token ids that can appear under a grammar, sorted by their bytes (unsigned). */
    final int[] sorted;
    final byte[][] bytes;
    /** For {@code sorted[i]}: how many leading bytes it shares with {@code sorted[i - 1]}. */
    final int[] sharedPrefix;
    /** Sorted: the index keeps no reference to its tokenizer, which is the weak key it is cached under. */
    final int[] endOfGeneration;

    private VocabularyIndex(Tokenizer tokenizer) {
        Vocabulary vocab = tokenizer.vocabulary();
        this.size = vocab.size();
        this.bytes = new byte[size][];
        int eogs = 0, usable = 0;
        int[] eog = new int[size];
        Integer[] ids = new Integer[size];
        for (int id = 0; id < size; id++) {
            if (vocab.isEndOfGeneration(id)) {
                eog[eogs++] = id;
                continue;
            }
            int type = vocab.type(id);
            if (type == TokenType.CONTROL || type == TokenType.UNKNOWN || type == TokenType.UNUSED) continue;
            byte[] piece = tokenizer.pieceBytes(id, false);
            if (piece.length == 0) continue;
            bytes[id] = piece;
            ids[usable++] = id;
        }
        this.endOfGeneration = Arrays.copyOf(eog, eogs);
        Integer[] order = Arrays.copyOf(ids, usable);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        this.sorted = new int[usable];
        this.sharedPrefix = new int[usable];
        for (int i = 0; i < usable; i++) {
            sorted[i] = order[i];
            if (i > 0) {
                byte[] prev = bytes[order[i - 1]], cur = bytes[order[i]];
                int m = Arrays.mismatch(prev, cur);
                sharedPrefix[i] = m < 0 ? cur.length : m;
            }
        }
    }

    public static VocabularyIndex of(Tokenizer tokenizer) {
        synchronized (INDEXES) {
            return INDEXES.computeIfAbsent(tokenizer, VocabularyIndex::new);
        }
    }

    /** The bytes a token adds to the output, or null where a grammar never allows it. */
    byte[] bytes(int token) {
        return token >= 0 && token < size ? bytes[token] : null;
    }

    boolean isEndOfGeneration(int token) {
        return Arrays.binarySearch(endOfGeneration, token) >= 0;
    }

    public int size() {
        return size;
    }
}
