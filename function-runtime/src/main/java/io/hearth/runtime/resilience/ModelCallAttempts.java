package io.hearth.runtime.resilience;

import io.hearth.pool.Completion;
import io.hearth.pool.Embedding;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.pool.ReplicaFailedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.time.temporal.ChronoUnit;

/**
 * One attempt of a model call, under MicroProfile Fault Tolerance: a replica failure is retried (the pool sends the
 * retry to another replica, or holds it for the failed one's replacement); bad input, a full queue or a gone client
 * is not. A model that cannot serve goes to its fallback ({@link ModelFallback}). Each attempt passes the model's
 * circuit breaker ({@link ModelCircuitBreakers}) and is bounded by a ceiling timeout; a function's own, shorter
 * timeout travels as the request's deadline. MP Config overrides the annotations' values, for example
 * {@code io.hearth.runtime.resilience.ModelCallAttempts/attempt/Retry/maxRetries=5}.
 */
@ApplicationScoped
public class ModelCallAttempts {
    @Inject
    ModelPool pool;
    @Inject
    ModelCircuitBreakers breakers;
    @Inject
    MetricRegistry registry;

    @Retry(maxRetries = 3, delay = 100, jitter = 50, retryOn = ReplicaFailedException.class)
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    @Fallback(value = ModelFallback.class, applyOn = {ModelUnavailableException.class, ReplicaFailedException.class, ModelCircuitOpenException.class})
    public Completion attempt(String model, ModelRequest request, ResumingListener listener, LoadProgress progress) {
        if (listener.newAttempt() > 0) registry.counter("hearth.model.call.retries", new Tag("model", model)).inc();
        return breakers.guard(model, () -> pool.generate(model, request, listener, progress));
    }

    /**
     * One attempt of an embedding, retried and guarded as a generation is, but without a fallback: another model's
     * vectors live in another space, so mixing them into a caller's index would be wrong without an error.
     */
    @Retry(maxRetries = 3, delay = 100, jitter = 50, retryOn = ReplicaFailedException.class)
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    public Embedding embed(String model, ModelRequest request) {
        return breakers.guard(model, () -> pool.embed(model, request, LoadProgress.NONE));
    }
}
