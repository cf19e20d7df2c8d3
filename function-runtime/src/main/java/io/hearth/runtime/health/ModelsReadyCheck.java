package io.hearth.runtime.health;

import io.hearth.pool.ModelPool;
import io.hearth.runtime.cluster.Cluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * /health/ready is UP only once the configured models are loaded, and never while the cluster settings cannot be used
 * (members to join but no secret): a server that silently served alone would split the cluster's keys and functions.
 */
@Readiness
@ApplicationScoped
public class ModelsReadyCheck implements HealthCheck {
    @Inject
    ModelPool pool;
    @Inject
    Cluster cluster;

    @Override
    public HealthCheckResponse call() {
        try {
            String misconfigured = cluster.misconfigured();
            var response = HealthCheckResponse.named("models").status(pool.ready() && misconfigured == null).withData("models", pool.models().size());
            pool.failures().forEach((model, reason) -> response.withData("failed." + model, reason));
            if (misconfigured != null) response.withData("cluster", misconfigured);
            return response.build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("models").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
