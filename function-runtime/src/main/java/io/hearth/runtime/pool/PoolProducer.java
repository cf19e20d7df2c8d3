package io.hearth.runtime.pool;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.SharedTier;
import io.hearth.pool.WarmModelPool;
import io.hearth.pool.prefix.JCacheSharedTier;
import io.hearth.runtime.cluster.Cluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The model pool for the application's lifetime, composed by the container: its settings ({@link PoolSettings}), the
 * prefix cache's shared tier on the cluster, and the pool itself, built when the application starts (so models are
 * warm before the first request and readiness reports them) and closed when it stops. Beans ask for
 * {@code ModelPool} (calls) or {@code PoolAdmin} (ops' operations); both are this one {@link WarmModelPool}.
 */
@ApplicationScoped
public class PoolProducer {
    private static final Logger LOG = Logger.getLogger(PoolProducer.class.getName());

    @Produces
    @Singleton
    PoolSettings settings(Config config) {
        return PoolSettings.from(config);
    }

    /** The shared tier of the prefix cache: blocks in the cluster's JCache, or none when this server is in no cluster. */
    @Produces
    @Singleton
    SharedTier sharedTier(Cluster cluster, Config config, MetricRegistry registry) {
        return cluster.connection().<SharedTier>map(connection -> {
            JCacheSharedTier tier = new JCacheSharedTier(connection, config.getOptionalValue("hearth.cluster.publish-queue", Integer.class).orElse(256));
            registry.gauge("hearth.prefix.shared.blocks.published", tier, JCacheSharedTier::published);
            registry.gauge(Metadata.builder().withName("hearth.prefix.shared.published").withUnit(MetricUnits.BYTES).build(), tier,
                    JCacheSharedTier::publishedBytes);
            registry.gauge("hearth.prefix.shared.publish.drops", tier, JCacheSharedTier::dropped);
            registry.gauge("hearth.prefix.shared.damaged", tier, JCacheSharedTier::damaged);
            registry.gauge("hearth.prefix.shared.available", tier, t -> t.available() ? 1 : 0);
            return tier;
        }).orElse(SharedTier.NONE);
    }

    void closeSharedTier(@Disposes SharedTier tier) {
        if (tier instanceof JCacheSharedTier running) running.close();
    }

    @Produces
    @Singleton
    WarmModelPool pool(PoolSettings settings, SharedTier tier, PoolMetrics metrics) {
        List<ModelSpec> specs = new ArrayList<>();
        for (PoolSettings.ModelSetting m : settings.models()) {
            Path source = m.source() != null ? m.source() : builtInModel(settings.modelStore());
            specs.add(new ModelSpec(m.id(), source, m.threads(), m.kvTokens(), m.policy(), m.download(), m.device(), m.pooling()));
        }
        long start = System.nanoTime();
        settings.invalid().forEach((model, why) -> LOG.severe("model " + model + " is not served: " + why));
        WarmModelPool pool = new WarmModelPool(specs, metrics, tier, settings.invalid());
        metrics.registerGauges(pool);
        LOG.info(() -> String.format("model pool built in %.1f s (models set to preload are loading): %s",
                (System.nanoTime() - start) / 1e9, pool.models()));
        return pool;
    }

    void closePool(@Disposes WarmModelPool pool) {
        pool.close();
    }

    /** Builds the pool as the application starts, so preloaded models load before the first request. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started, WarmModelPool pool) {
        pool.models();
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
}
