package io.hearth.runtime.keys;

import io.hearth.runtime.cluster.Cluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
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
 * shared with the Hazelcast cluster when this server is in one ({@link ClusterApiKeys}).
 */
@ApplicationScoped
public class KeysProducer {
    private static final Logger LOG = Logger.getLogger(KeysProducer.class.getName());

    private ClusterApiKeys shared;
    private ScheduledExecutorService flusher;

    @Produces
    @Singleton
    ApiKeys keys(Config config, Cluster cluster) {
        ApiKeys keys = new ApiKeys(new KeyFile(Path.of(config.getOptionalValue("hearth.keys.file", String.class).orElse("keys/api-keys.json"))),
                Clock.systemUTC());
        cluster.connection().ifPresent(connection -> {
            try {
                shared = new ClusterApiKeys(connection.hazelcast(), connection.seal(), keys);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "API keys are not shared with the cluster (" + e.getMessage() + "); keys made here work here", e);
            }
        });
        flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("hearth-key-usage").unstarted(r));
        flusher.scheduleWithFixedDelay(keys::flushUsage, 5, 5, TimeUnit.SECONDS);
        return keys;
    }

    /** Reads the keys (and joins the cluster's) as the application starts, not on the first call. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started, ApiKeys keys) {
        keys.list();
    }

    /** At stop: no more periodic flushes, the cluster's listener gone, and the day's token use written one last time. */
    void close(@Disposes ApiKeys keys) {
        if (flusher != null) flusher.shutdownNow();
        if (shared != null) shared.close();
        keys.flushUsage();
    }
}
