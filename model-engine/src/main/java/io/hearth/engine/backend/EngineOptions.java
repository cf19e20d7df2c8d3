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

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), KvType.F32, 4096);
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, kvType, kvTokens);
    }

    public EngineOptions withKvType(KvType type) {
        return new EngineOptions(threads, type, kvTokens);
    }

    public EngineOptions withKvTokens(int tokens) {
        return new EngineOptions(threads, kvType, tokens);
    }
}
