package io.hearth.pool;

/**
 * One replica as admin shows it.
 *
 * @param load     sequences running or waiting on it
 * @param tier     where its weights came from when it loaded
 * @param deviceBytes weights plus KV cache it holds on its device
 */
public record ReplicaInfo(int number, ReplicaState state, String device, long deviceBytes, int load, int waiting,
                          WeightTier tier, double loadSeconds, int kvBlocks, int kvBlocksFree, int kvBlocksCached,
                          long tokensGenerated) {
}
