package io.hearth.engine.model;

import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.tokenizer.Tokenizer;

import java.nio.file.Path;

/**
 * A loaded GGUF model: configuration, weights (views of the mapped file, no copy), tokenizer and chat template.
 * Closing it unmaps the file; nothing may use its tensors afterwards.
 */
public final class Model implements AutoCloseable {
    /** Metadata key that gen-model sets on files whose weights are random, so every listing can say so. */
    public static final String RANDOM_WEIGHTS_KEY = "hearth.random_weights";

    private final GgufFile file;
    private final ModelConfig config;
    private final Weights weights;
    private final Tokenizer tokenizer;
    private final byte[] digest;

    private Model(GgufFile file) {
        this.file = file;
        this.config = ModelConfig.from(file);
        this.weights = Weights.load(file, config);
        this.tokenizer = Tokenizer.from(file);
        this.digest = ModelDigest.of(file);
    }

    public static Model load(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            return new Model(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GgufFile file() {
        return file;
    }

    public ModelConfig config() {
        return config;
    }

    public Weights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public byte[] digest() {
        return digest.clone();
    }

    public String name() {
        return file.string("general.name", file.path().getFileName().toString());
    }

    public boolean hasRandomWeights() {
        return file.bool(RANDOM_WEIGHTS_KEY, false);
    }

    /** The Jinja chat template stored in the file, or null. */
    public String chatTemplate() {
        return file.string("tokenizer.chat_template", null);
    }

    @Override
    public void close() {
        file.close();
    }
}
