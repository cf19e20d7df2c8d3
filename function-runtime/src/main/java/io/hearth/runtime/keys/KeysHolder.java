package io.hearth.runtime.keys;

import io.hearth.runtime.pool.PoolHolder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's API keys for the application's lifetime: kept in {@code hearth.keys.file} (default
 * {@code keys/api-keys.json} in the server directory), token use written there every few seconds and at stop, and
 * shared with the Hazelcast cluster when this server is in one. {@code hearth.security.anonymous-invoke} (default
 * false) lets calls without a key through, for local development only.
 */
@ApplicationScoped
public class KeysHolder {
    private static final Logger LOG = Logger.getLogger(KeysHolder.class.getName());

    @Inject
    Config config;
    @Inject
    PoolHolder pool;
    @Inject
    KeyMetrics metrics;

    private volatile ApiKeys keys;
    private ClusterApiKeys cluster;
    private ScheduledExecutorService flusher;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        keys();
        if (anonymousInvoke()) {
            LOG.warning("hearth.security.anonymous-invoke is true: functions and models can be called without an API key (local development only)");
        }
    }

    public boolean anonymousInvoke() {
        return config.getOptionalValue("hearth.security.anonymous-invoke", Boolean.class).orElse(false);
    }

    /**
     * The key behind a request that reached an invocation resource: null for an anonymous call when anonymous
     * invocation is on, else a refusal. The key filter decides first; this is the resources' own check, so a request
     * the filter did not see is refused rather than let through.
     */
    public ApiKey caller(SecurityContext security) {
        ApiKey key = KeyPrincipal.of(security);
        if (key == null && !anonymousInvoke()) {
            throw refused(new CallerDeniedException(CallerDeniedException.Reason.UNAUTHENTICATED,
                    "an API key is required: send Authorization: Bearer <key> (ops create keys with POST /admin/keys)"));
        }
        return key;
    }

    /** The token budget of a caller's model calls: its key's quota, reserved per call; none for an anonymous call. */
    public TokenBudget budget(ApiKey key) {
        if (key == null) return TokenBudget.UNLIMITED;
        return request -> {
            TokenBudget.Hold hold = keys().reserve(key, TokenBudget.bound(request));
            return used -> {
                hold.settle(used);
                metrics.charged(key, used);
            };
        };
    }

    /** Counts a refusal made outside the key filter (the OpenAI API's model check) and returns it, to throw. */
    public CallerDeniedException refused(CallerDeniedException refusal) {
        metrics.refused(refusal.reason());
        return refusal;
    }

    public ApiKeys keys() {
        ApiKeys built = keys;
        return built != null ? built : build();
    }

    private synchronized ApiKeys build() {
        if (keys != null) return keys;
        ApiKeys made = new ApiKeys(new KeyFile(Path.of(config.getOptionalValue("hearth.keys.file", String.class).orElse("keys/api-keys.json"))),
                Clock.systemUTC());
        var connection = pool.cluster();
        if (connection != null) {
            try {
                cluster = new ClusterApiKeys(connection.hazelcast(), connection.seal(), made);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "API keys are not shared with the cluster (" + e.getMessage() + "); keys made here work here", e);
            }
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("hearth-key-usage").unstarted(r));
        flusher.scheduleWithFixedDelay(made::flushUsage, 5, 5, TimeUnit.SECONDS);
        keys = made;
        return made;
    }

    @PreDestroy
    void stop() {
        if (flusher != null) flusher.shutdownNow();
        if (cluster != null) cluster.close();
        if (keys != null) keys.flushUsage();
    }
}
