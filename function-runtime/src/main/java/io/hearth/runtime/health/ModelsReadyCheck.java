package io.hearth.runtime.health;

import io.hearth.runtime.pool.PoolHolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** /health/ready is UP only once the configured models are loaded. */
@Readiness
@ApplicationScoped
public class ModelsReadyCheck implements HealthCheck {
    @Inject
    PoolHolder holder;

    @Override
    public HealthCheckResponse call() {
        try {
            boolean ready = holder.pool().ready();
            return HealthCheckResponse.named("models").status(ready).withData("models", holder.pool().models().size()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("models").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
