package io.hearth.runtime.health;

import io.hearth.pool.ModelPool;
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
            ModelPool pool = holder.pool();
            var response = HealthCheckResponse.named("models").status(pool.ready()).withData("models", pool.models().size());
            pool.failures().forEach((model, reason) -> response.withData("failed." + model, reason));
            return response.build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("models").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
