package io.hearth.runtime.resilience;

import io.hearth.pool.Completion;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.runtime.pool.PoolSettings;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.util.logging.Logger;

/**
 * When a model cannot serve (it failed to load, its replicas kept failing, its breaker is open), the call goes to
 * the model's configured fallback ({@code hearth.models.<id>.fallback}) — unless the client already received tokens
 * from the first model, since a stream must not switch models halfway. Without a fallback the failure stands.
 */
public class ModelFallback implements FallbackHandler<Completion> {
    private static final Logger LOG = Logger.getLogger(ModelFallback.class.getName());

    @Inject
    PoolSettings settings;
    @Inject
    ModelPool pool;
    @Inject
    MetricRegistry registry;

    @Override
    public Completion handle(ExecutionContext context) {
        Object[] p = context.getParameters();
        String model = (String) p[0];
        ResumingListener listener = (ResumingListener) p[2];
        RuntimeException failure = context.getFailure() instanceof RuntimeException e ? e : new IllegalStateException(context.getFailure());
        String fallback = settings.fallbackFor(model);
        boolean noSuchModel = failure instanceof ModelUnavailableException m && !m.configured();
        if (fallback == null || noSuchModel || listener.deliveredAny()) throw failure;
        LOG.warning(() -> "model " + model + " cannot serve (" + failure.getMessage() + "); falling back to " + fallback);
        registry.counter("hearth.fallbacks", new Tag("model", model), new Tag("fallback", fallback)).inc();
        listener.newAttempt();
        return pool.generate(fallback, (ModelRequest) p[1], listener, (LoadProgress) p[3]);
    }
}
