package io.hearth.engine.kv;

/** No free KV block is left: the caller should wait for sequences to finish, or shorten the request. */
public final class KvCacheFullException extends RuntimeException {
    public KvCacheFullException(int needed, int capacity) {
        super("KV cache is full: " + needed + " more blocks of " + BlockPool.BLOCK_TOKENS
                + " tokens are needed and all " + capacity + " are in use");
    }
}
