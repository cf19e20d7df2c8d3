package io.hearth.pool;

import io.hearth.cuda.CudaDevice;
import io.hearth.cuda.CudaDevices;
import io.hearth.engine.generate.TokenListener;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The model pools of a server, one {@link ReplicaPool} per configured model, each placed on a device: a model set
 * to {@code auto} goes to the CUDA device with the largest memory budget where there is one, else to the CPU;
 * {@code cpu} and {@code cuda:N} are taken as said (a missing device fails that model with the reason). Models set to
 * preload start loading when the pool is built (readiness waits for them); the others load on first use. A
 * maintenance pass every second unloads idle replicas and keeps {@code min-warm} ones loaded. A model whose settings
 * were refused or whose file cannot be read is kept as failed with its reason: it fails alone (its calls get
 * {@link ModelUnavailableException}, 503, and {@link #failures()} names it) while the other models serve and the pool
 * stays ready for them.
 */
public final class WarmModelPool implements ModelPool, PoolAdmin {
    private static final System.Logger LOG = System.getLogger(WarmModelPool.class.getName());
    /** Share of physical memory the CPU device may fill with replicas. */
    public static final double CPU_MEMORY_SHARE = 0.75;

    private final Map<String, ReplicaPool> pools = new LinkedHashMap<>();
    private final DeviceMemory cpu = DeviceMemory.cpu(CPU_MEMORY_SHARE);
    private final Map<String, String> failed = new LinkedHashMap<>();
    /** Share of a CUDA device's free memory (at start) the pool may fill: the rest is for step buffers and the driver. */
    public static final double GPU_MEMORY_SHARE = 0.9;
    /** Found once at start. */
    private final CudaDevices.Discovery cuda = CudaDevices.discover();
    /** Each CUDA device's budget, by index. */
    private final Map<Integer, DeviceMemory> gpus = new LinkedHashMap<>();
    private final ExecutorService loader = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("hearth-model-loader").unstarted(r));
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("hearth-pool-maintenance").unstarted(r));

    public WarmModelPool(List<ModelSpec> specs) {
        this(specs, PoolEvents.NONE);
    }

    public WarmModelPool(List<ModelSpec> specs, PoolEvents events) {
        this(specs, events, SharedTier.NONE);
    }

    /** A pool whose replicas also find and offer prompt blocks in {@code shared} (the prefix cache's shared tier). */
    public WarmModelPool(List<ModelSpec> specs, PoolEvents events, SharedTier shared) {
        this(specs, events, shared, Map.of());
    }

    /** As above, with the models whose settings were refused before a spec could be made, and why: they fail alone. */
    public WarmModelPool(List<ModelSpec> specs, PoolEvents events, SharedTier shared, Map<String, String> refused) {
        failed.putAll(refused);
        if (cuda.devices().isEmpty()) LOG.log(System.Logger.Level.INFO, "CUDA: " + cuda.unavailable() + "; replicas run on the CPU");
        else LOG.log(System.Logger.Level.INFO, "CUDA devices: " + cuda.devices() + "; models set to auto run on them");
        for (CudaDevice d : cuda.devices()) gpus.put(d.index(), new DeviceMemory(d.id(), (long) (d.freeBytes() * GPU_MEMORY_SHARE)));
        for (ModelSpec spec : specs) {
            if (pools.containsKey(spec.id()) || failed.containsKey(spec.id())) {
                close();
                throw new IllegalArgumentException("model id " + spec.id() + " is configured twice");
            }
            try {
                boolean notFetchedYet = spec.download() != null && !Files.isRegularFile(spec.source());
                pools.put(spec.id(), new ReplicaPool(spec, notFetchedYet ? null : ModelCard.read(spec), place(spec), loader, events, shared.forModel(spec.id())));
            } catch (RuntimeException e) {
                failed.put(spec.id(), e.getMessage());
                LOG.log(System.Logger.Level.ERROR, "model " + spec.id() + " cannot be served: " + e.getMessage());
            }
        }
        for (ReplicaPool pool : pools.values()) {
            if (pool.policy().preload()) {
                try {
                    pool.warmUp();
                } catch (ModelUnavailableException e) {
                    failed.put(pool.spec.id(), e.getMessage());
                }
            }
        }
        maintenance.scheduleWithFixedDelay(this::maintain, ReplicaPool.MAINTENANCE_PERIOD_NANOS, ReplicaPool.MAINTENANCE_PERIOD_NANOS, TimeUnit.NANOSECONDS);
    }

    /** The device budget a model's replicas draw on, by its {@code device} setting. */
    private DeviceMemory place(ModelSpec spec) {
        if (spec.device().equals("cpu")) return cpu;
        if (spec.device().equals(ModelSpec.AUTO)) {
            return gpus.values().stream().max(java.util.Comparator.comparingLong(DeviceMemory::capacity)).orElse(cpu);
        }
        DeviceMemory gpu = gpus.get(ModelSpec.cudaIndex(spec.device()));
        if (gpu == null) {
            throw new IllegalStateException("its device is " + spec.device() + ", which this server does not have ("
                    + (cuda.devices().isEmpty() ? cuda.unavailable() : "devices: " + gpus.keySet()) + "); set device to auto or cpu");
        }
        return gpu;
    }

    private void maintain() {
        long now = System.nanoTime();
        for (ReplicaPool pool : pools.values()) {
            try {
                pool.maintain(now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pool maintenance of model " + pool.spec.id() + " failed: " + e.getMessage());
            }
        }
    }

    /** Waits until every preloading model is warm or has failed (for tools and tests; the server uses readiness). */
    public WarmModelPool awaitPreloaded() {
        List<CompletableFuture<Replica>> loads = new ArrayList<>();
        for (ReplicaPool pool : pools.values()) {
            if (pool.policy().preload() && !failed.containsKey(pool.spec.id())) loads.add(pool.warmUp());
        }
        for (CompletableFuture<Replica> load : loads) {
            try {
                load.join();
            } catch (RuntimeException e) {
                // recorded as the pool's last failure
            }
        }
        for (ReplicaPool pool : pools.values()) {
            try {
                if (pool.policy().preload() && !failed.containsKey(pool.spec.id())) pool.awaitVerified(60_000_000_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return this;
    }

    @Override
    public Map<String, String> failures() {
        Map<String, String> all = new LinkedHashMap<>(failed);
        for (ReplicaPool pool : pools.values()) {
            String failure = pool.lastFailure();
            if (failure != null) all.put(pool.spec.id(), failure);
        }
        return all;
    }

    @Override
    public List<ModelInfo> models() {
        return pools.values().stream().map(ReplicaPool::modelInfo).toList();
    }

    @Override
    public boolean serves(String modelId) {
        return pools.containsKey(modelId);
    }

    @Override
    public boolean ready() {
        // models that failed are named by failures(); they fail alone, so they keep no other model out of service
        if (pools.isEmpty()) return false;
        // A preloaded model that later scaled to zero stays ready: its next call is a cold start, not an outage. A
        // model loaded on demand that fails is reported (failures()) but does not take the server out of service.
        return pools.values().stream().filter(p -> p.policy().preload()).allMatch(p -> p.everWarm() && p.lastFailure() == null);
    }

    @Override
    public Completion generate(String modelId, ModelRequest request, TokenListener listener, LoadProgress progress) {
        return find(modelId).generate(request, listener, progress);
    }

    @Override
    public Embedding embed(String modelId, ModelRequest request, LoadProgress progress) {
        return find(modelId).embed(request, progress);
    }

    @Override
    public void checkAdmission(String modelId) {
        find(modelId).checkAdmission();
    }

    private ReplicaPool find(String modelId) {
        if (failed.containsKey(modelId)) {
            throw new ModelUnavailableException("model '" + modelId + "' cannot be served: " + failed.get(modelId), true);
        }
        ReplicaPool pool = pools.get(modelId);
        if (pool == null) {
            throw new ModelUnavailableException("model '" + modelId + "' is not served here (served: "
                    + String.join(", ", pools.keySet()) + ")");
        }
        return pool;
    }

    /** Runs an ops action on a model's pool and answers with the pool as it is afterwards. */
    private PoolInfo operate(String modelId, Consumer<ReplicaPool> action) {
        ReplicaPool pool = find(modelId);
        action.accept(pool);
        return pool.info();
    }

    @Override
    public List<PoolInfo> pools() {
        return pools.values().stream().map(ReplicaPool::info).toList();
    }

    @Override
    public PoolInfo pool(String modelId) {
        return find(modelId).info();
    }

    @Override
    public List<DeviceInfo> devices() {
        List<DeviceInfo> all = new ArrayList<>();
        all.add(new DeviceInfo(cpu.device(), cpu.used(), cpu.capacity()));
        // a GPU's memory in use: by other processes when the pool started, plus what its replicas reserve now
        for (CudaDevice d : cuda.devices()) {
            all.add(new DeviceInfo(d.id(), d.totalBytes() - d.freeBytes() + gpus.get(d.index()).used(), d.totalBytes()));
        }
        return all;
    }

    @Override
    public Map<ReplicaState, Integer> replicaStates(String modelId) {
        return find(modelId).stateCounts();
    }

    @Override
    public int queueDepth(String modelId) {
        return find(modelId).queueDepth();
    }

    @Override
    public PoolInfo policy(String modelId, PoolPolicy policy) {
        return operate(modelId, pool -> pool.policy(policy));
    }

    @Override
    public PoolInfo context(String modelId, int tokens) {
        return operate(modelId, pool -> pool.context(tokens));
    }

    @Override
    public PoolInfo scale(String modelId, int replicas) {
        ReplicaPool pool = find(modelId);
        int most = Math.min(pool.policy().maxReplicas(), pool.replicasThatFit());
        if (replicas < 0 || replicas > most) {
            throw new IllegalArgumentException("replicas must be 0.." + most + " (max-replicas of '" + modelId + "', and what "
                    + "its device can hold)");
        }
        pool.scale(replicas);
        return pool.info();
    }

    @Override
    public void functionsMinWarm(String modelId, int replicas) {
        find(modelId).functionsMinWarm(replicas);
    }

    @Override
    public PoolInfo preload(String modelId) {
        return operate(modelId, pool -> pool.warmUp());
    }

    @Override
    public PoolInfo drain(String modelId) {
        return operate(modelId, pool -> pool.drain());
    }

    @Override
    public PoolInfo evict(String modelId) {
        return operate(modelId, pool -> pool.evict());
    }

    @Override
    public PoolInfo kill(String modelId, int replica) {
        return operate(modelId, pool -> pool.kill(replica, "by ops"));
    }

    @Override
    public PrefixCacheInfo prefixCache(String modelId) {
        return find(modelId).prefixCache();
    }

    @Override
    public void pinPrefix(String modelId, String key, PinnedPrefix prefix) {
        find(modelId).pin(key, prefix);
    }

    @Override
    public void unpinPrefix(String modelId, String key) {
        find(modelId).unpin(key);
    }

    @Override
    public int clearPrefixCache(String modelId) {
        return find(modelId).clearPrefixCache();
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
        for (ReplicaPool pool : pools.values()) pool.close();
        loader.shutdownNow();
    }
}
