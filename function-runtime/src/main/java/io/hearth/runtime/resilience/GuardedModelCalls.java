package io.hearth.runtime.resilience;

import io.hearth.engine.generate.TokenListener;
import io.hearth.pool.Completion;
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

    @Override
    public Completion generate(String model, ModelRequest request, TokenListener listener, LoadProgress progress) {
        return attempts.attempt(model, request, new ResumingListener(listener), progress);
    }
}
