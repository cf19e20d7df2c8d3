package io.hearth.pool;

/** What the pool reports as it works, for metrics; the runtime implements it (the pool knows no metrics library). */
public interface PoolEvents {
    default void transition(String model, ReplicaState from, ReplicaState to) {
    }

    default void coldStart(String model, WeightTier tier, long loadNanos) {
    }

    default void step(String model, int batchSize, int generatedTokens) {
    }

    /** A replica started loading before demand: {@code reason} is {@code schedule} or {@code predicted}. */
    default void prewarm(String model, String reason) {
    }

    /** A request was admitted to a replica's batch after waiting this long (for a batch slot, or a load). */
    default void admitted(String model, long waitedNanos) {
    }

    /** How a request's prompt met the prefix cache (blocks found locally, imported from the shared tier, computed). */
    default void prefixReuse(String model, PrefixReuse reuse) {
    }

    PoolEvents NONE = new PoolEvents() {
    };
}
