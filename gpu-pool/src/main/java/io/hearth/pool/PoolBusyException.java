package io.hearth.pool;

/** Too many requests are already waiting for a model: the caller should retry shortly (429 with Retry-After). */
public final class PoolBusyException extends RuntimeException {
    public PoolBusyException(String message) {
        super(message);
    }
}
