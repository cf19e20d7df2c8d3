package io.hearth.runtime.pool;

import io.hearth.pool.DeviceInfo;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PrefixReuse;
import io.hearth.pool.ReplicaInfo;
import io.hearth.pool.ReplicaState;
import io.hearth.pool.WeightTier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What ops watch of the model pools, on /metrics: {@code hearth_replicas{model,state}},
 * {@code hearth_cold_starts_total{model,tier}}, {@code hearth_model_load_seconds{model,tier}},
 * {@code hearth_queue_depth{model}}, {@code hearth_requests_running{model}}, {@code hearth_requests_waiting{model}} (queued and waiting in replicas), {@code hearth_kv_cache_usage_ratio{model}}, {@code hearth_queue_seconds{model}}, {@code hearth_batch_size{model}}, {@code hearth_tokens_generated_total{model}},
 * {@code hearth_replica_transitions_total{model,to}}, {@code hearth_prewarms_total{model,reason}}, device memory
 * used / capacity, and the prefix cache: {@code hearth_prefix_cache_hits_total{model,tier}} and
 * {@code hearth_prefix_cache_misses_total{model}} (full prompt blocks), {@code hearth_prefix_tokens_saved_total{model}},
 * {@code hearth_prefix_cache_bytes{model,tier="local"}}.
 */
@ApplicationScoped
public class PoolMetrics implements PoolEvents {
    @Inject
    MetricRegistry registry;

    /** Gauges read the pool when scraped, so they never go stale. */
    void registerGauges(PoolAdmin pool) {
        for (var model : pool.pools()) {
            Tag m = new Tag("model", model.model());
            for (ReplicaState state : ReplicaState.values()) {
                registry.gauge("hearth.replicas", pool, p -> p.replicaStates(model.model()).get(state), m, new Tag("state", lower(state)));
            }
            registry.gauge("hearth.queue.depth", pool, p -> p.queueDepth(model.model()), m);
            // a replica's load counts what waits in it too; the queue depth counts those and the requests held for a load
            registry.gauge("hearth.requests.running", pool, p -> p.pool(model.model()).replicas().stream().mapToInt(r -> r.load() - r.waiting()).sum(), m);
            registry.gauge("hearth.requests.waiting", pool, p -> p.queueDepth(model.model()), m);
            registry.gauge("hearth.kv.cache.usage.ratio", pool, p -> kvUsage(p.pool(model.model()).replicas()), m);
            registry.gauge(Metadata.builder().withName("hearth.prefix.cache").withUnit(MetricUnits.BYTES).build(), pool,
                    p -> p.prefixCache(model.model()).cachedBytes(), m, new Tag("tier", "local"));
        }
        for (DeviceInfo device : pool.devices()) {
            Tag d = new Tag("device", device.name());
            registry.gauge(Metadata.builder().withName("hearth.device.memory.used").withUnit(MetricUnits.BYTES).build(), pool,
                    p -> usedOf(p, device.name()), d);
            registry.gauge(Metadata.builder().withName("hearth.device.memory.capacity").withUnit(MetricUnits.BYTES).build(), pool,
                    p -> device.capacityBytes(), d);
        }
    }

    /** KV blocks in use over all the model's replicas, as a share of their blocks (0 with no replica loaded). */
    private static double kvUsage(List<ReplicaInfo> replicas) {
        long total = replicas.stream().mapToLong(ReplicaInfo::kvBlocks).sum();
        long free = replicas.stream().mapToLong(ReplicaInfo::kvBlocksFree).sum();
        return total == 0 ? 0 : (double) (total - free) / total;
    }

    private static long usedOf(PoolAdmin pool, String device) {
        return pool.devices().stream().filter(d -> d.name().equals(device)).mapToLong(DeviceInfo::usedBytes).sum();
    }

    @Override
    public void transition(String model, ReplicaState from, ReplicaState to) {
        registry.counter("hearth.replica.transitions", new Tag("model", model), new Tag("to", lower(to))).inc();
    }

    @Override
    public void coldStart(String model, WeightTier tier, long loadNanos) {
        Tag m = new Tag("model", model), t = new Tag("tier", tier.apiName());
        registry.counter("hearth.cold.starts", m, t).inc();
        registry.timer("hearth.model.load", m, t).update(Duration.ofNanos(loadNanos));
    }

    @Override
    public void step(String model, int batchSize, int generatedTokens) {
        Tag m = new Tag("model", model);
        registry.histogram("hearth.batch.size", m).update(batchSize);
        if (generatedTokens > 0) registry.counter("hearth.tokens.generated", m).inc(generatedTokens);
    }

    @Override
    public void prewarm(String model, String reason) {
        registry.counter("hearth.prewarms", new Tag("model", model), new Tag("reason", reason)).inc();
    }

    @Override
    public void prefixReuse(String model, PrefixReuse reuse) {
        Tag m = new Tag("model", model);
        if (reuse.localBlocks() > 0) registry.counter("hearth.prefix.cache.hits", m, new Tag("tier", "local")).inc(reuse.localBlocks());
        if (reuse.sharedBlocks() > 0) registry.counter("hearth.prefix.cache.hits", m, new Tag("tier", "shared")).inc(reuse.sharedBlocks());
        if (reuse.computedBlocks() > 0) registry.counter("hearth.prefix.cache.misses", m).inc(reuse.computedBlocks());
        if (reuse.savedTokens() > 0) registry.counter("hearth.prefix.tokens.saved", m).inc(reuse.savedTokens());
    }

    @Override
    public void admitted(String model, long waitedNanos) {
        registry.timer("hearth.queue", new Tag("model", model)).update(Duration.ofNanos(waitedNanos));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
