package io.hearth.runtime.resilience;

import io.hearth.pool.ModelUnavailableException;
import io.hearth.pool.ReplicaFailedException;
import io.hearth.runtime.config.Durations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A circuit breaker per model ({@link CircuitBreaker}): a model whose replicas keep failing is refused at once for a
 * while (503, or its fallback model) instead of every caller waiting for it to fail again. Settings:
 * {@code hearth.fault-tolerance.circuit-breaker.requests} (window, default 10), {@code .failure-ratio} (0.5) and
 * {@code .delay} (30s). On /metrics: {@code hearth_circuit_breaker_state{model}} (0 closed, 1 open, 2 half-open) and
 * {@code hearth_circuit_breaker_opened_total{model}}.
 */
@ApplicationScoped
public class ModelCircuitBreakers {
    private static final Logger LOG = Logger.getLogger(ModelCircuitBreakers.class.getName());

    @Inject
    @ConfigProperty(name = "hearth.fault-tolerance.circuit-breaker.requests", defaultValue = "10")
    int window;
    @Inject
    @ConfigProperty(name = "hearth.fault-tolerance.circuit-breaker.failure-ratio", defaultValue = "0.5")
    double failureRatio;
    @Inject
    @ConfigProperty(name = "hearth.fault-tolerance.circuit-breaker.delay", defaultValue = "30s")
    String delay;
    @Inject
    MetricRegistry registry;

    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    /**
     * Refuses at once while the model's breaker is open: a stream learns it before it starts (its real status, not
     * an error event after a 200).
     *
     * @throws ModelCircuitOpenException while the breaker is open
     */
    public void checkClosed(String model) {
        CircuitBreaker breaker = breakers.get(model);
        long wait = breaker == null ? 0 : breaker.waitNanos(System.nanoTime());
        if (wait > 0) throw open(model, wait);
    }

    private static ModelCircuitOpenException open(String model, long waitNanos) {
        long seconds = Math.max(1, (waitNanos + 999_999_999) / 1_000_000_000);
        return new ModelCircuitOpenException("model '" + model + "' failed repeatedly and is paused; retry in " + seconds + " s", seconds);
    }

    /**
     * Runs a call to {@code model} through its breaker. Replica failures and failed loads count against the model;
     * success counts for it; anything else (bad input, a full queue, a client gone) counts neither way.
     *
     * @throws ModelCircuitOpenException while the breaker is open
     */
    <T> T guard(String model, Supplier<T> call) {
        CircuitBreaker breaker = breakers.computeIfAbsent(model, this::create);
        long wait = breaker.tryAcquire(System.nanoTime());
        if (wait > 0) throw open(model, wait);
        try {
            T result = call.get();
            breaker.succeeded();
            return result;
        } catch (ReplicaFailedException e) {
            failed(model, breaker, e);
            throw e;
        } catch (ModelUnavailableException e) {
            if (e.configured()) failed(model, breaker, e.getCause() != null ? e.getCause() : e);
            else breaker.released();
            throw e;
        } catch (RuntimeException | Error e) {
            breaker.released();
            throw e;
        }
    }

    /**
     * Counts one failure per incident: a replica that fails takes every request it carried with it (they share one
     * exception), and a failed load fails every request held for it (they share its cause); one crash is one failure,
     * not as many as the requests it happened to hold.
     */
    private void failed(String model, CircuitBreaker breaker, Throwable incident) {
        if (!breaker.newIncident(incident)) {
            breaker.released();
            return;
        }
        long opened = breaker.timesOpened();
        breaker.failed(System.nanoTime());
        if (breaker.timesOpened() > opened) {
            registry.counter("hearth.circuit.breaker.opened", new Tag("model", model)).inc();
            LOG.warning(() -> "circuit breaker of model " + model + " opened: its calls are refused (or fall back) for " + delay);
        }
    }

    private CircuitBreaker create(String model) {
        if (window < 1 || !(failureRatio > 0 && failureRatio <= 1)) {
            throw new IllegalStateException("hearth.fault-tolerance.circuit-breaker: need requests >= 1 and 0 < failure-ratio <= 1");
        }
        CircuitBreaker breaker = new CircuitBreaker(window, failureRatio, Durations.parse(delay).toNanos());
        registry.gauge("hearth.circuit.breaker.state", breaker, b -> b.state().ordinal(), new Tag("model", model));
        return breaker;
    }
}
