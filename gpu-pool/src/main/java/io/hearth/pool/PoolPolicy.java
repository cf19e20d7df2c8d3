package io.hearth.pool;

import java.time.Duration;

/**
 * How the pool scales one model; ops change it at run time through admin.
 *
 * @param minWarm      replicas kept loaded however idle (0: the model scales to zero)
 * @param maxReplicas  replicas at most; another is started when every one is running {@code maxBatch} sequences
 * @param idleTimeout  a replica idle this long is unloaded (while {@code minWarm} allows)
 * @param preload      load a replica at server start; readiness waits for it
 * @param maxBatch     sequences one replica runs together in its step loop
 * @param maxQueue     requests that may wait (for a batch slot or a loading replica) before new ones get 429
 * @param keepAliveMin the shortest idle time a caller's keep-alive hint (a request's, or a function's) may ask for
 * @param keepAliveMax the longest: callers can never keep a replica loaded beyond what ops allow
 * @param prewarmSchedule daily windows in which at least one replica is kept warm
 * @param predictivePrewarm load a replica shortly before a model with regular traffic is next called, and keep it
 *                          for that call (see {@link ArrivalForecast})
 */
public record PoolPolicy(int minWarm, int maxReplicas, Duration idleTimeout, boolean preload, int maxBatch, int maxQueue,
                         Duration keepAliveMin, Duration keepAliveMax, PrewarmSchedule prewarmSchedule, boolean predictivePrewarm) {
    public static final Duration DEFAULT_KEEP_ALIVE_MIN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KEEP_ALIVE_MAX = Duration.ofHours(1);
    public static final PoolPolicy DEFAULT = new PoolPolicy(0, 1, Duration.ofMinutes(10), true, 8, 64);

    public PoolPolicy {
        if (minWarm < 0 || maxReplicas < 1 || minWarm > maxReplicas) {
            throw new IllegalArgumentException("need 0 <= min-warm <= max-replicas and max-replicas >= 1 (got min-warm "
                    + minWarm + ", max-replicas " + maxReplicas + ")");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("idle-timeout must be positive");
        if (maxBatch < 1 || maxBatch > 256) throw new IllegalArgumentException("max-batch must be 1..256, got " + maxBatch);
        if (maxQueue < 0) throw new IllegalArgumentException("max-queue must be >= 0, got " + maxQueue);
        if (keepAliveMin.isNegative() || keepAliveMax.compareTo(keepAliveMin) < 0) {
            throw new IllegalArgumentException("need 0 <= keep-alive-min <= keep-alive-max (got " + keepAliveMin + ", " + keepAliveMax + ")");
        }
    }

    /** A policy with the default keep-alive bounds and pre-warming (predicted, no schedule). */
    public PoolPolicy(int minWarm, int maxReplicas, Duration idleTimeout, boolean preload, int maxBatch, int maxQueue) {
        this(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, DEFAULT_KEEP_ALIVE_MIN, DEFAULT_KEEP_ALIVE_MAX);
    }

    /** A policy with the default pre-warming (predicted, no schedule). */
    public PoolPolicy(int minWarm, int maxReplicas, Duration idleTimeout, boolean preload, int maxBatch, int maxQueue,
                      Duration keepAliveMin, Duration keepAliveMax) {
        this(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, PrewarmSchedule.NONE, true);
    }

    public PoolPolicy withMinWarm(int replicas) {
        return new PoolPolicy(replicas, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withMaxReplicas(int replicas) {
        return new PoolPolicy(minWarm, replicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withIdleTimeout(Duration timeout) {
        return new PoolPolicy(minWarm, maxReplicas, timeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withPreload(boolean load) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, load, maxBatch, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withMaxBatch(int sequences) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, sequences, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withMaxQueue(int requests) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, maxBatch, requests, keepAliveMin, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withKeepAliveMin(Duration least) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, least, keepAliveMax, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withKeepAliveMax(Duration most) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, most, prewarmSchedule, predictivePrewarm);
    }

    public PoolPolicy withPrewarmSchedule(PrewarmSchedule windows) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, windows, predictivePrewarm);
    }

    public PoolPolicy withPredictivePrewarm(boolean predicted) {
        return new PoolPolicy(minWarm, maxReplicas, idleTimeout, preload, maxBatch, maxQueue, keepAliveMin, keepAliveMax, prewarmSchedule, predicted);
    }

    /** A caller's keep-alive hint, held within ops' bounds. */
    public Duration boundKeepAlive(Duration hint) {
        if (hint.compareTo(keepAliveMin) < 0) return keepAliveMin;
        return hint.compareTo(keepAliveMax) > 0 ? keepAliveMax : hint;
    }
}
