package io.hearth.engine.backend;

import io.hearth.engine.kv.KvType;

/**
 * @param threads   compute threads (the CPU backend's worker pool)
 * @param kvType    element type of the KV cache
 * @param kvTokens  total tokens the KV cache holds, over all sequences of the replica
 */
public record EngineOptions(int threads, KvType kvType, int kvTokens) {
    public EngineOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (kvTokens < 1) throw new IllegalArgumentException("the KV cache must hold at least one token, got " + kvTokens);
    }
}
