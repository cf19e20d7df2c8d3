package io.hearth.pool;

import java.nio.file.Path;

/**
 * A model the pool serves: its id (what clients name), where its GGUF file is, and how much KV cache a replica gets.
 *
 * @param kvTokens tokens of KV cache per replica, over all its sequences
 */
public record ModelSpec(String id, Path source, int threads, int kvTokens) {
    public ModelSpec {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("model id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }
}
