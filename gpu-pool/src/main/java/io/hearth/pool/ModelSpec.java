package io.hearth.pool;

import java.nio.file.Path;

/**
 * A model the pool serves: its id (what clients name), where its GGUF file is, what a replica gets (threads, KV
 * cache tokens over all its sequences), how the pool scales it (changeable later through admin), and, for a model
 * fetched from a URL, where {@code source} is downloaded from before its first load (null for a local file).
 */
public record ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy, ModelDownload download) {
    public ModelSpec {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("model id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy) {
        this(id, source, threads, kvTokens, policy, null);
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens) {
        this(id, source, threads, kvTokens, PoolPolicy.DEFAULT);
    }
}
