package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;

import java.util.List;

/** The one way the runtime runs models: it names a model id and gets tokens back, streamed and gathered. */
public interface ModelPool extends AutoCloseable {

    List<ModelInfo> models();

    /** Whether {@code modelId} is a model this pool has loaded (cheap: no per-replica figures are gathered). */
    boolean serves(String modelId);

    /** Whether every configured model is loaded and ready for traffic. */
    boolean ready();

    /** Configured models that failed to load, each with the reason. */
    java.util.Map<String, String> failures();

    /**
     * Runs a request on a replica of {@code modelId}, calling {@code listener} for each token as it is produced.
     *
     * @throws ModelUnavailableException if no such model is served
     * @throws IllegalArgumentException  if the request does not fit the model (too long, bad parameters)
     */
    Completion generate(String modelId, ModelRequest request, TokenListener listener);

    @Override
    void close();
}
