package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;

import java.util.List;
import java.util.Map;

/**
 * The one way the runtime runs models: it names a model id and gets tokens back, streamed and gathered; and the
 * operations ops run on the model pools through admin.
 */
public interface ModelPool extends AutoCloseable {

    List<ModelInfo> models();

    /** Whether {@code modelId} is a model this pool serves, loaded or not (cheap: no per-replica figures). */
    boolean serves(String modelId);

    /** Whether every model set to preload has a warm replica, and none failed. */
    boolean ready();

    /** Configured models that cannot serve, each with the reason (a broken file, a failed load). */
    Map<String, String> failures();

    /**
     * Runs a request on a replica of {@code modelId}, calling {@code listener} for each token as it is produced. If
     * no replica is warm, the call waits for one to load (a cold start), telling {@code progress} how far it is.
     *
     * @throws ModelUnavailableException if no such model is served, or its replica cannot load
     * @throws PoolBusyException        if too many requests wait for the model already
     * @throws IllegalArgumentException  if the request does not fit the model (too long, bad parameters)
     */
    Completion generate(String modelId, ModelRequest request, TokenListener listener, LoadProgress progress);

    default Completion generate(String modelId, ModelRequest request, TokenListener listener) {
        return generate(modelId, request, listener, LoadProgress.NONE);
    }

    /** Every model's pool: policy, replicas and their states, queue, cold starts. */
    List<PoolInfo> pools();

    PoolInfo pool(String modelId);

    /** Replaces a model's scaling policy; takes effect at the next maintenance pass (within a second). */
    PoolInfo policy(String modelId, PoolPolicy policy);

    /** Loads replicas until {@code replicas} are warm or loading (at most max-replicas); returns at once. */
    PoolInfo scale(String modelId, int replicas);

    /** Takes the model's replicas out of service; each unloads when its running requests finish. */
    PoolInfo drain(String modelId);

    /** Drains the model and drops its weights from host memory, so its next start reads the disk. */
    PoolInfo evict(String modelId);

    @Override
    void close();
}
