package io.hearth.pool;

/**
 * One replica as admin shows it.
 *
 * @param load     sequences running or waiting on it
 * @param tier     where its weights came from when it loaded
 * @param deviceBytes weights plus KV cache it holds on its device
 * @param idleTimeoutSeconds how long it may stay idle before it unloads (its last caller's keep-alive hint, bounded,
 *                           or the model's idle-timeout)
 */
public record ReplicaInfo(int number, ReplicaState state, String device, long deviceBytes, int load, int waiting,
                          WeightTier tier, double loadSeconds, double idleTimeoutSeconds, int kvBlocks, int kvBlocksFree, int kvBlocksCached,
                          long tokensGenerated) {
}
