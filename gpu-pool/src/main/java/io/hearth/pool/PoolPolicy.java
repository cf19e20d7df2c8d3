package io.hearth.pool;

import java.time.Duration;

/**
 * How the pool scales one model; ops change it at run time through admin.
 *
 * @param minWarm     replicas kept loaded however idle (0: the model scales to zero)
 * @param maxReplicas replicas at most; another is started when every one is running {@code maxBatch} sequences
 * @param idleTimeout a replica idle this long is unloaded (while {@code minWarm} allows)
 * @param preload     load a replica at server start; readiness waits for it
 * @param maxBatch    sequences one replica runs together in its step loop
 * @param maxQueue    requests that may wait (for a batch slot or a loading replica) before new ones get 429
 */
public record PoolPolicy(int minWarm, int maxReplicas, Duration idleTimeout, boolean preload, int maxBatch, int maxQueue) {
    public static final PoolPolicy DEFAULT = new PoolPolicy(0, 1, Duration.ofMinutes(10), true, 8, 64);

    public PoolPolicy {
        if (minWarm < 0 || maxReplicas < 1 || minWarm > maxReplicas) {
            throw new IllegalArgumentException("need 0 <= min-warm <= max-replicas and max-replicas >= 1 (got min-warm "
                    + minWarm + ", max-replicas " + maxReplicas + ")");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("idle-timeout must be positive");
        if (maxBatch < 1 || maxBatch > 256) throw new IllegalArgumentException("max-batch must be 1..256, got " + maxBatch);
        if (maxQueue < 0) throw new IllegalArgumentException("max-queue must be >= 0, got " + maxQueue);
    }
}
