package io.hearth.runtime.resilience;

import io.hearth.engine.generate.TokenListener;
import io.hearth.pool.Completion;
import io.hearth.pool.Embedding;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelRequest;

/** How the runtime calls a model, which the server guards with fault tolerance ({@link GuardedModelCalls}). */
public interface ModelCalls {
    /** As {@link io.hearth.pool.ModelPool#generate}; the completion names the model that served (a fallback, maybe). */
    Completion generate(String model, ModelRequest request, TokenListener listener, LoadProgress progress);

    /** As {@link io.hearth.pool.ModelPool#embed}. */
    Embedding embed(String model, ModelRequest request);
}
