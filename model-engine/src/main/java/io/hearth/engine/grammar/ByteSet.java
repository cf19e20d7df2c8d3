package io.hearth.engine.grammar;

import java.util.Arrays;

/** An immutable set of byte values (0–255): the terminal of a grammar, which works on UTF-8 bytes. */
public final class ByteSet {
    private final long[] words;

    private ByteSet(long[] words) {
        this.words = words;
    }

    public static ByteSet of(int b) {
        return range(b, b);
    }

    public static ByteSet range(int from, int to) {
        long[] w = new long[4];
        for (int b = from; b <= to; b++) w[b >>> 6] |= 1L << (b & 63);
        return new ByteSet(w);
    }

    /** The bytes of an ASCII class spelled like a regex class body, e.g. {@code "a-zA-Z0-9_"}. */
    public static ByteSet ascii(String ranges) {
        ByteSet set = range(1, 0);
        for (int i = 0; i < ranges.length(); i++) {
            char from = ranges.charAt(i), to = from;
            if (i + 2 < ranges.length() && ranges.charAt(i + 1) == '-') {
                to = ranges.charAt(i + 2);
                i += 2;
            }
            set = set.union(range(from, to));
        }
        return set;
    }

    public ByteSet union(ByteSet other) {
        long[] w = words.clone();
        for (int i = 0; i < 4; i++) w[i] |= other.words[i];
        return new ByteSet(w);
    }

    public ByteSet minus(ByteSet other) {
        long[] w = words.clone();
        for (int i = 0; i < 4; i++) w[i] &= ~other.words[i];
        return new ByteSet(w);
    }

    public boolean contains(int b) {
        return (words[(b & 0xFF) >>> 6] & (1L << (b & 63))) != 0;
    }

    public boolean isEmpty() {
        return (words[0] | words[1] | words[2] | words[3]) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteSet s && Arrays.equals(words, s.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
