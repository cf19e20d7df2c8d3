package io.hearth.runtime.keys;

/**
 * A token bucket: holds up to {@code capacity} requests, refilled at {@code perMinute}; a request takes one or is
 * told how long until one is there.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long updated;

    TokenBucket(int capacity, int perMinute, long now) {
        this.capacity = capacity;
        this.perNano = perMinute / 60e9;
        this.tokens = capacity;
        this.updated = now;
    }

    /** Takes a request's token: 0 when granted, else the nanoseconds until one will be there. */
    synchronized long take(long now) {
        tokens = Math.min(capacity, tokens + (now - updated) * perNano);
        updated = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }
}
