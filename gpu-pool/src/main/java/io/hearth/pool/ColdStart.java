package io.hearth.pool;

/** A request that waited for a replica to load: which tier the weights came from and how long the load took. */
public record ColdStart(WeightTier tier, long loadNanos) {
}
