package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;

import java.util.List;
import java.util.Map;

/**
 * The one way the runtime runs models: it names a model id and gets tokens back, streamed and gathered. What ops do
 * to the pools is {@link PoolAdmin}.
 */
public interface ModelPool extends AutoCloseable {
    /**
     * Refuses a call that could not be admitted now ({@link PoolBusyException}: the model's queue is full), so a
     * caller can learn it before it commits to a response. Nothing is reserved: a call may still be refused later.
     */
    default void checkAdmission(String modelId) {
    }

    List<ModelInfo> models();

    /** Whether {@code modelId} is a model this pool serves, loaded or not (cheap: no per-replica figures). */
    boolean serves(String modelId);

    /**
     * Whether every model set to preload has been warm since start (scaling to zero later keeps it ready) and has not
     * failed since, and every configured model could be read. A model loaded on demand that fails is in
     * {@link #failures()} but leaves the server ready: its calls fail (or fall back), the others serve.
     */
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

    /**
     * Embeds a prompt ({@link ModelRequest#embedding}: text or token ids) on a replica of {@code modelId}, as a
     * prefill-only sequence in its step loop, batched with the calls generating there; pooled as the model's settings
     * say. Waits for a cold start as {@link #generate} does.
     *
     * @throws ModelUnavailableException if no such model is served, or its replica cannot load
     * @throws PoolBusyException        if too many requests wait for the model already
     * @throws IllegalArgumentException  if the prompt does not fit the model (empty, too long, unknown token ids)
     */
    Embedding embed(String modelId, ModelRequest request, LoadProgress progress);

    default Completion generate(String modelId, ModelRequest request, TokenListener listener) {
        return generate(modelId, request, listener, LoadProgress.NONE);
    }

    @Override
    void close();
}
