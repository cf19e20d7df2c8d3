package io.hearth.engine.embed;

import io.hearth.engine.gguf.GgufFile;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an embedding is made of a prompt's final normed hidden states: their mean over every position, the last
 * position's (what a causal model has read the whole prompt by), or the first's (a classifier token).
 */
public enum Pooling {
    MEAN, LAST, CLS;

    /**
     * The model's own pooling, from {@code <arch>.pooling_type} as llama.cpp writes it (1 mean, 2 cls, 3 last), else
     * {@link #MEAN}: llama.cpp's types 0 (none) and 4 (rank) pool nothing a caller could use as one vector.
     */
    public static Pooling of(GgufFile file) {
        String arch = file.string("general.architecture");
        return switch (file.integer(arch + ".pooling_type", 1)) {
            case 2 -> CLS;
            case 3 -> LAST;
            default -> MEAN;
        };
    }

    /** {@code mean}, {@code last} or {@code cls}, as ops write it in a model's settings. */
    public static Pooling parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling '" + name + "' is not one of " + Arrays.toString(names()));
        }
    }

    private static String[] names() {
        return Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /**
     * Whether an embedding pooled this way may start from a cached prefix: cached KV blocks keep no hidden states, so
     * only {@link #LAST}, which reads the last position alone (always computed), may skip the positions they hold.
     */
    public boolean startsFromCachedPrefix() {
        return this == LAST;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
