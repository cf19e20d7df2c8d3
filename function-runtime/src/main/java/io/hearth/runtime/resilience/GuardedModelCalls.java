package io.hearth.runtime.resilience;

import io.hearth.engine.generate.TokenListener;
import io.hearth.pool.Completion;
import io.hearth.pool.Embedding;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one guarded entry for model calls (functions and the OpenAI API alike): it keeps the client's tokens in one
 * {@link ResumingListener} over every attempt {@link ModelCallAttempts} makes, so a retried stream resumes instead
 * of repeating itself.
 */
@ApplicationScoped
public class GuardedModelCalls implements ModelCalls {
    @Inject
    ModelCallAttempts attempts;
    @Inject
    ModelCircuitBreakers breakers;
    @Inject
    io.hearth.pool.ModelPool pool;

    /**
     * What can be known before a call starts: its model's breaker is open, or its queue is full. A stream checks this
     * before it sends anything, so such a refusal keeps its real status (503, 429) instead of arriving as an error
     * event after a 200.
     */
    public void checkAdmission(String model) {
        breakers.checkClosed(model);
        pool.checkAdmission(model);
    }

    @Override
    public Completion generate(String model, ModelRequest request, TokenListener listener, LoadProgress progress) {
        return attempts.attempt(model, request, new ResumingListener(listener), progress);
    }

    /** An embedding ({@link io.hearth.pool.ModelPool#embed}), retried on a failed replica and behind the model's breaker. */
    @Override
    public Embedding embed(String model, ModelRequest request) {
        return attempts.embed(model, request);
    }
}
