package io.hearth.engine.genmodel;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Named model shapes gen-model can write. {@code tiny} is for tests and the platform's built-in default model
 * (every tensor type fits: rows of 256); the others match real models' dimensions for benchmarks.
 *
 * @param llama3RopeScaling write {@code rope_freqs.weight} as Llama 3.1+ GGUFs carry it (factor 32, low/high 1/4, 8192)
 */
public record ModelShape(String name, int dim, int layers, int heads, int kvHeads, int ffDim, int vocab, int context,
                         float ropeTheta, boolean tiedEmbeddings, boolean llama3RopeScaling) {

    private static final ModelShape[] KNOWN = {
            new ModelShape("tiny", 256, 2, 4, 2, 768, 1024, 2048, 10000f, false, false),
            new ModelShape("tinyllama-1.1b", 2048, 22, 32, 4, 5632, 32000, 2048, 10000f, false, false),
            new ModelShape("llama-3.2-1b", 2048, 16, 32, 8, 8192, 128256, 8192, 500000f, true, true),
    };

    public static ModelShape named(String name) {
        for (ModelShape s : KNOWN) if (s.name.equals(name)) return s;
        throw new IllegalArgumentException("unknown model shape '" + name + "' (known: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(KNOWN).map(ModelShape::name).collect(Collectors.joining(", "));
    }

    public int headDim() {
        return dim / heads;
    }
}
