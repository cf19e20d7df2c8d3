package io.hearth.pool;

import java.util.List;
import java.util.Map;

/** What ops do to the model pools through admin (REST and metrics): look, change the policy, scale, drain, evict. */
public interface PoolAdmin {

    /** Every model's pool: policy, replicas and their states, queue, cold starts. */
    List<PoolInfo> pools();

    PoolInfo pool(String modelId);

    /** The devices replicas are placed on, with the memory they hold. */
    List<DeviceInfo> devices();

    /** Replicas of a model by state, and requests waiting for it: what the metrics gauges read. */
    Map<ReplicaState, Integer> replicaStates(String modelId);

    int queueDepth(String modelId);

    /** Replaces a model's scaling policy; takes effect at the next maintenance pass (within a second). */
    PoolInfo policy(String modelId, PoolPolicy policy);

    /** Sets the KV tokens of the model's replicas loaded from now on; running replicas keep theirs until they unload. */
    PoolInfo context(String modelId, int tokens);

    /** Loads replicas until {@code replicas} are warm or loading (at most max-replicas); returns at once. */
    PoolInfo scale(String modelId, int replicas);

    /** Loads one replica if none is warm or loading (a manual pre-warm); returns at once. */
    PoolInfo preload(String modelId);

    /** Takes the model's replicas out of service; each unloads when its running requests finish. */
    PoolInfo drain(String modelId);

    /** Drains the model and drops its weights from host memory, so its next start reads the disk. */
    PoolInfo evict(String modelId);

    /**
     * Fails one replica at once, as a crash would: its running and waiting requests fail with
     * {@link ReplicaFailedException} (which callers retry on another replica) and the pool replaces it. For a replica
     * that misbehaves; also how fault tests simulate a crash.
     */
    PoolInfo kill(String modelId, int replica);

    /** The local tier of the model's prefix cache. */
    PrefixCacheInfo prefixCache(String modelId);

    /**
     * Keeps a shared prompt start's KV blocks computed and cached on every replica of the model (those loading later
     * too) until {@link #unpinPrefix}; the blocks are also offered to the shared tier. Returns at once.
     */
    void pinPrefix(String modelId, String key, PinnedPrefix prefix);

    void unpinPrefix(String modelId, String key);

    /** Forgets the model's cached prefix blocks on every replica (blocks in use stay); returns how many were dropped. */
    int clearPrefixCache(String modelId);

    /**
     * Replicas of a model that deployed functions ask to keep warm (the largest {@code scaling.min_warm} among the
     * versions serving); honoured like min-warm, never beyond max-replicas.
     */
    void functionsMinWarm(String modelId, int replicas);
}
