package io.hearth.runtime.pool;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.prefix.ClusterConnection;
import io.hearth.pool.prefix.JCacheSharedTier;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.WarmModelPool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Owns the model pool for the application's lifetime: builds it when the application starts (so models are warm
 * before the first request and readiness reports them), closes it on shutdown.
 */
@ApplicationScoped
public class PoolHolder {
    private static final Logger LOG = Logger.getLogger(PoolHolder.class.getName());

    @Inject
    Config config;
    @Inject
    PoolMetrics metrics;
    @Inject
    MetricRegistry registry;

    private volatile WarmModelPool pool;
    private SharedTierHolder sharedTier;
    private volatile Map<String, String> fallbacks = Map.of();

    void preload(@Observes @Initialized(ApplicationScoped.class) Object started) {
        pool();
    }

    /** The pool; built once (at application start), then read without a lock on every request. */
    public ModelPool pool() {
        return built();
    }

    /** The same pools as ops operate them. */
    public PoolAdmin admin() {
        return built();
    }

    private WarmModelPool built() {
        WarmModelPool built = pool;
        return built != null ? built : build();
    }

    private synchronized WarmModelPool build() {
        if (pool == null) {
            PoolSettings settings = PoolSettings.from(config);
            List<ModelSpec> specs = new ArrayList<>();
            Map<String, String> fallbackOf = new HashMap<>();
            for (PoolSettings.ModelSetting m : settings.models()) {
                Path source = m.source() != null ? m.source() : builtInModel(settings.modelStore());
                specs.add(new ModelSpec(m.id(), source, m.threads(), m.context(), m.policy(), m.download(), m.device()));
                if (m.fallback() != null) fallbackOf.put(m.id(), m.fallback());
            }
            fallbacks = Map.copyOf(fallbackOf);
            long start = System.nanoTime();
            sharedTier = SharedTierHolder.start(config, registry);
            pool = new WarmModelPool(specs, metrics, sharedTier.tier());
            metrics.registerGauges(pool);
            LOG.info(() -> String.format("model pool built in %.1f s (models set to preload are loading): %s",
                    (System.nanoTime() - start) / 1e9, pool.models()));
        }
        return pool;
    }

    /** The prefix cache's shared tier of this server, or null when it has none (disabled, or it failed to start). */
    public JCacheSharedTier sharedTier() {
        built();
        return sharedTier.running();
    }

    /** Why the cluster settings could not be used (a missing or short secret), or null when they could. */
    public String clusterMisconfigured() {
        built();
        return sharedTier.misconfigured();
    }

    /** This server's connection to the Hazelcast cluster, or null when it has none. */
    public ClusterConnection cluster() {
        built();
        return sharedTier.connection();
    }

    /** The model that serves {@code model}'s calls when it cannot ({@code hearth.models.<id>.fallback}); null if none. */
    public String fallbackFor(String model) {
        built();
        return fallbacks.get(model);
    }

    /** The built-in default model: random weights, written once, the same bytes on every machine (no download). */
    private static Path builtInModel(Path store) {
        Path file = store.resolve("default.gguf");
        if (Files.isRegularFile(file)) return file;
        try (WorkerPool workers = new WorkerPool(Runtime.getRuntime().availableProcessors())) {
            Files.createDirectories(store);
            LOG.info(() -> "writing the built-in default model (random weights) to " + file.toAbsolutePath());
            ModelGenerator.write(ModelShape.named("tiny"), GgmlType.Q8_0, 42, file, workers);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the built-in model to " + file.toAbsolutePath(), e);
        }
    }

    @PreDestroy
    void close() {
        if (pool != null) pool.close();
        if (sharedTier != null) sharedTier.close();
    }
}
