package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.model.Model;

import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replicas of one model and their lifecycle. Invariants (all under this object's lock):
 * <ul>
 *   <li>{@code replicas} holds only started replicas (WARM, BUSY or DRAINING); at most one load runs at a time
 *       ({@code inFlight}), and {@code replicas.size() + (inFlight ? 1 : 0) <= policy.maxReplicas()}.</li>
 *   <li>Device memory is reserved before a load starts and released when the load fails or the replica unloads. The
 *       reservation itself is {@link ReplicaLoading}'s (under its own lock, taken after this one's): a model fetched
 *       by URL reserves on the loader thread, once its header is read, which is safe because one load runs at a
 *       time.</li>
 *   <li>A request either joins a started, non-draining replica's queue, or is held (at most {@code policy.maxQueue()}
 *       of them) until the load under way finishes; with nothing started and nothing loading, it starts the load.</li>
 *   <li>A replica unloads only when it has no sequences, after {@code idleTimeout} (if {@code minWarm} allows) or
 *       when drained; its weights' pages stay in the page cache (the host tier) unless the model is evicted.</li>
 *   <li>Every replica's first step carries the self-check (see {@link Scheduler}): the probe's logits must match the
 *       first load's before any token of that step reaches a caller, else the replica is discarded, the failure
 *       reported (as a failed load: no replacement is started by itself) and its requests get
 *       {@link ModelUnavailableException}. A model counts as warm for readiness once a replica has passed it.</li>
 *   <li>A replica that fails (a failed step, or killed by ops) leaves {@code replicas} at once, so no new request
 *       joins it; its requests fail with {@link ReplicaFailedException} (their callers retry), it is closed off its
 *       own step loop, and a replacement is started if the pool would otherwise have no replica.</li>
 *   <li>An idle replica's time limit is the model's {@code idleTimeout}, or the keep-alive hint of its last caller
 *       held within {@code keepAliveMin..keepAliveMax}.</li>
 *   <li>Pre-warming only raises the replicas kept to one: during a scheduled window, or from shortly before a
 *       predicted call until half a gap after it; it never exceeds max-replicas and never bypasses memory limits.</li>
 * </ul>
 */
final class ReplicaPool {
    private static final System.Logger LOG = System.getLogger(ReplicaPool.class.getName());
    /** How often {@link WarmModelPool} runs {@link #maintain}. */
    static final long MAINTENANCE_PERIOD_NANOS = 1_000_000_000L;

    /** Replaced when ops change the KV tokens; a load uses the spec it started with. */
    volatile ModelSpec spec;
    /** How replicas are loaded: the model's card, its download, memory reservations, the self-check. */
    private final ReplicaLoading loading;
    private final DeviceMemory memory;
    private final Executor loader;
    private final PoolEvents events;
    private final SharedBlocks shared;
    private final List<Replica> replicas = new ArrayList<>();
    private final Map<WeightTier, Long> coldStarts = new EnumMap<>(WeightTier.class);
    private volatile PoolPolicy policy;
    /** The load under way, which requests without a replica wait for (null when none). */
    private CompletableFuture<Replica> inFlight;
    /** Requests held for the load under way. */
    private int held;
    /** Replicas ops asked for (admin scale); kept loaded like min-warm until they scale down. */
    private int scaledTo;
    /** Replicas deployed functions ask to keep warm (their scaling.min_warm). */
    private int functionsMinWarm;
    private int nextNumber = 1;
    /** Ops evicted the model: drop its pages from the page cache once its last replica has unloaded. */
    private boolean dropHostTier;
    /** The last unloaded replica's mapped weights, so the next start skips mapping and populating them. */
    private final HostTier hostTier = new HostTier();
    private String lastFailure;
    private long replicaFailures;
    /** A replica has been warm since start: readiness needs the preload done once, not a replica kept forever. */
    private boolean everWarm;
    private final ArrivalForecast arrivals = new ArrivalForecast();
    /** Prefixes every replica computes and keeps cached: on pinning, and on each replica that becomes warm. */
    private final ReplicaPins pins;
    /** The last load's time, to start a predicted pre-warm early enough (2 s until a load has been seen). */
    private volatile long lastLoadNanos = 2_000_000_000L;

    ReplicaPool(ModelSpec spec, ModelCard card, DeviceMemory memory, Executor loader, PoolEvents events, SharedBlocks shared) {
        this.shared = shared;
        this.spec = spec;
        this.loading = new ReplicaLoading(spec, card, memory);
        this.memory = memory;
        this.loader = loader;
        this.pins = new ReplicaPins(spec.id(), loader);
        this.events = events;
        this.policy = spec.policy();
    }

    Completion generate(ModelRequest request, TokenListener listener, LoadProgress progress) {
        return serve(request, progress, replica -> replica.generate(replica.tokenize(request), request, listener));
    }

    /** Embeds a prompt on a replica as {@link #generate} runs a call: warm if one is, else once one has loaded. */
    Embedding embed(ModelRequest request, LoadProgress progress) {
        return serve(request, progress, replica -> replica.embed(replica.embeddingTokens(request), request));
    }

    /**
     * Runs {@code call} on the least loaded replica, or, with none warm, on the one loading (started here if none
     * is), holding the call meanwhile; refuses it when the queue it would join is full.
     */
    private <T extends ServedCall<T>> T serve(ModelRequest request, LoadProgress progress, java.util.function.Function<Replica, T> call) {
        long arrived = System.nanoTime();
        arrivals.arrived(arrived);
        Replica replica;
        ColdStart coldStart = null;
        CompletableFuture<Replica> wait;
        synchronized (this) {
            replica = leastLoaded();
            if (replica != null) {
                if (replica.load() >= policy.maxBatch() && canStartAnother()) startLoad();
                if (replica.load() >= policy.maxBatch() + policy.maxQueue()) throw busy();
                wait = null;
            } else {
                if (held >= policy.maxQueue()) throw busy();
                wait = inFlight != null ? inFlight : startLoad();
                held++;
            }
        }
        if (wait != null) {
            try {
                replica = awaitLoad(wait, progress, request.deadline());
                coldStart = new ColdStart(replica.tier(), replica.loadNanos());
            } finally {
                synchronized (this) {
                    held--;
                }
            }
        }
        long heldNanos = System.nanoTime() - arrived;
        T c = call.apply(replica);
        events.admitted(spec.id(), heldNanos + c.queuedNanos());
        events.prefixReuse(spec.id(), c.prefix());
        if (request.keepAlive() != null) replica.keepAlive(policy.boundKeepAlive(request.keepAlive()));
        return coldStart == null ? c : c.withColdStart(coldStart);
    }

    /** Refuses now what {@link #generate} would refuse on arrival: a full queue. */
    synchronized void checkAdmission() {
        Replica replica = leastLoaded();
        boolean full = replica != null ? replica.load() >= policy.maxBatch() + policy.maxQueue() : held >= policy.maxQueue();
        if (full) throw busy();
    }

    private PoolBusyException busy() {
        return new PoolBusyException("model '" + spec.id() + "' has " + policy.maxQueue() + " requests waiting already; retry shortly");
    }

    private Replica awaitLoad(CompletableFuture<Replica> load, LoadProgress progress, Instant deadline) {
        int reported = -1, downloaded = -1;
        while (true) {
            if (deadline != null && Instant.now().isAfter(deadline)) {
                throw new DeadlineExceededException("the model call ran past its deadline while model '" + spec.id() + "' was loading");
            }
            int fetched = loading.downloadPercent();
            if (fetched > downloaded) {
                progress.downloading(fetched);
                downloaded = fetched;
            }
            int percent = loading.loadingPercent();
            if (percent > reported) {
                progress.loading(percent);
                reported = percent;
            }
            try {
                Replica r = load.get(100, TimeUnit.MILLISECONDS);
                // a download that finished between two polls is still reported as done (it stays at 100 until the next load)
                if (downloaded < 100 && (downloaded >= 0 || loading.downloadPercent() == 100)) progress.downloading(100);
                if (reported < 100) progress.loading(100);
                return r;
            } catch (TimeoutException stillLoading) {
                // report progress and wait on
            } catch (ExecutionException e) {
                // the load's own exception as cause: every request held for the same load shares it
                ModelUnavailableException failure = new ModelUnavailableException("model '" + spec.id() + "' failed to load: "
                        + e.getCause().getMessage(), true);
                failure.initCause(e.getCause());
                throw failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelUnavailableException("interrupted while model '" + spec.id() + "' was loading", true);
            }
        }
    }

    /** The started, non-draining replica with the fewest sequences; null if none. Holds the lock. */
    private Replica leastLoaded() {
        Replica best = null;
        for (Replica r : replicas) {
            if (!r.draining() && (best == null || r.load() < best.load())) best = r;
        }
        return best;
    }

    private boolean canStartAnother() {
        return inFlight == null && replicas.size() < policy.maxReplicas();
    }

    /**
     * Starts loading a replica on the loader threads; the future completes once it takes traffic. Holds the lock.
     * A model not downloaded yet is fetched first, and its memory reserved once its header says how much it needs.
     */
    private CompletableFuture<Replica> startLoad() {
        boolean fetchFirst = loading.card() == null;
        ModelSpec loadSpec = spec;
        if (!fetchFirst) reserve(loadSpec);
        int number = nextNumber++;
        events.transition(spec.id(), ReplicaState.COLD, ReplicaState.LOADING);
        LOG.log(System.Logger.Level.INFO, "loading replica " + number + " of model " + spec.id() + " from "
                + (fetchFirst ? spec.download().url() : spec.source()));
        loading.begin(fetchFirst);
        CompletableFuture<Replica> future = CompletableFuture.supplyAsync(() -> {
            if (fetchFirst) loading.fetch(loadSpec);
            return load(number, loadSpec);
        }, loader);
        inFlight = future;
        future.whenComplete((replica, error) -> loaded(future, replica, error));
        return future;
    }

    /** Reserves device memory for the load about to run, or records why it does not fit. Holds the lock. */
    private void reserve(ModelSpec loadSpec) {
        try {
            loading.reserve(loadSpec);
        } catch (ModelUnavailableException doesNotFit) {
            lastFailure = doesNotFit.getMessage();
            throw doesNotFit;
        }
    }

    /** Loads a replica and starts its step loop, whose first step is the self-check. */
    private Replica load(int number, ModelSpec loadSpec) {
        Replica r = loading.load(number, loadSpec, hostTier.take(loadSpec.source()));
        try {
            int[] probe = r.probeTokens();
            r.start(policy.maxBatch(), (batch, generated) -> events.step(spec.id(), batch, generated), failure -> failed(r, failure),
                    new Scheduler.SelfCheck() {
                        @Override
                        public int[] tokens() {
                            return probe;
                        }

                        @Override
                        public void verify(float[] logits) {
                            selfCheck(r, logits);
                        }
                    }, shared);
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** A replica's self-check ({@link ReplicaLoading#verify}); a pass makes the model count as warm. */
    private synchronized void selfCheck(Replica r, float[] probe) {
        loading.verify(r, probe);
        everWarm = true;
        notifyAll();
    }

    /** Waits until a replica has passed its self-check or the model failed; false on timeout. */
    synchronized boolean awaitVerified(long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        while (!everWarm && lastFailure == null) {
            long left = end - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private synchronized void loaded(CompletableFuture<Replica> future, Replica replica, Throwable error) {
        if (inFlight == future) inFlight = null;
        long reserved = loading.takeReservation();
        if (error != null) {
            memory.release(reserved);
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            lastFailure = cause.getMessage();
            events.transition(spec.id(), ReplicaState.LOADING, ReplicaState.COLD);
            LOG.log(System.Logger.Level.ERROR, "replica of model " + spec.id() + " failed to load: " + lastFailure);
            return;
        }
        replica.reservedBytes(reserved);
        lastFailure = null;
        lastLoadNanos = replica.loadNanos();
        replicas.add(replica);
        coldStarts.merge(replica.tier(), 1L, Long::sum);
        events.transition(spec.id(), ReplicaState.LOADING, ReplicaState.WARM);
        events.coldStart(spec.id(), replica.tier(), replica.loadNanos());
        LOG.log(System.Logger.Level.INFO, String.format("replica %d of model %s is warm: loaded from %s in %.2f s",
                replica.number, spec.id(), replica.tier().apiName(), replica.loadNanos() / 1e9));
        pins.applyTo(replica);
    }

    /** Pins a prefix on every replica, now and as replicas load (see {@link PinnedPrefix}); replaces one of the same key. */
    synchronized void pin(String key, PinnedPrefix prefix) {
        pins.pin(key, prefix, replicas);
    }

    synchronized void unpin(String key) {
        pins.unpin(key, replicas);
    }

    /**
     * A replica failed (on its step loop's thread): it leaves the pool now, is closed on a loader thread, and a
     * replacement starts if no other replica serves. Its requests were failed with the cause; their callers retry.
     */
    private void failed(Replica r, RuntimeException failure) {
        synchronized (this) {
            if (!replicas.remove(r)) return;
            replicaFailures++;
            events.transition(spec.id(), ReplicaState.BUSY, ReplicaState.COLD);
            if (failure instanceof ModelUnavailableException selfCheck) {
                lastFailure = selfCheck.getMessage(); // a bad file: reported, and not reloaded by itself
                notifyAll();
            }
            LOG.log(System.Logger.Level.ERROR, failure.getMessage() + (lastFailure == null ? "; replacing it" : ""), failure.getCause());
            // Its budget is freed now, not after the close below, so the replacement fits; the weights' pages are
            // shared through the page cache, so only its KV cache is briefly held twice.
            memory.release(r.reservedBytes());
            if (leastLoaded() == null && inFlight == null && lastFailure == null) startLoad();
        }
        loader.execute(r::close);
    }

    /** Fails replica {@code number} at its next step, as a crash would (see {@link Scheduler#kill}). */
    synchronized void kill(int number, String reason) {
        Replica r = replicas.stream().filter(x -> x.number == number).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "model '" + spec.id() + "' has no replica " + number + " (replicas: " + replicas.stream().map(x -> x.number).toList() + ")"));
        r.kill(reason);
    }

    /** Starts a load unless a replica is warm or loading; the future completes when one is warm. */
    synchronized CompletableFuture<Replica> warmUp() {
        if (inFlight != null) return inFlight;
        Replica warm = leastLoaded();
        return warm != null ? CompletableFuture.completedFuture(warm) : startLoad();
    }

    /** Ops' replica count: loads up to it (one at a time, by the maintenance pass), or drains all at 0. */
    void scale(int replicas) {
        synchronized (this) {
            scaledTo = replicas;
        }
        if (replicas == 0) drain();
        else maintain(System.nanoTime());
    }

    /**
     * Unloads what is no longer wanted: drained replicas that have finished, and replicas idle past the idle
     * timeout beyond {@code minWarm}. Then starts a load if {@code minWarm} is not met.
     */
    void maintain(long now) {
        List<Replica> unload = new ArrayList<>();
        boolean dropNow;
        synchronized (this) {
            int asked = Math.max(policy.minWarm(), Math.max(scaledTo, functionsMinWarm));
            String prewarm = prewarmReason(now);
            int keep = Math.min(policy.maxReplicas(), Math.max(asked, prewarm != null ? 1 : 0));
            int active = (int) replicas.stream().filter(r -> !r.draining()).count();
            for (Replica r : List.copyOf(replicas)) {
                boolean idleTooLong = !r.draining() && r.idleNanos(now) > r.idleLimit(policy.idleTimeout()).toNanos() && active > keep;
                if (idleTooLong) {
                    r.drain();
                    active--;
                    events.transition(spec.id(), ReplicaState.WARM, ReplicaState.DRAINING);
                }
                if (r.draining() && r.load() == 0) {
                    replicas.remove(r);
                    // with the removal, so that nobody sees the replica gone and its budget still held
                    memory.release(r.reservedBytes());
                    unload.add(r);
                }
            }
            // dropHostTier stays set until the pages are dropped: the unloads below close the weights instead of
            // keeping them, and an evict() racing this pass drops them again rather than finding nothing to do
            dropNow = dropHostTier && replicas.isEmpty() && inFlight == null;
            if (!dropNow && active < keep && inFlight == null && lastFailure == null) {
                startLoad();
                if (active >= asked && prewarm != null) {
                    events.prewarm(spec.id(), prewarm);
                    LOG.log(System.Logger.Level.INFO, "pre-warming model " + spec.id() + " (" + prewarm + ")");
                }
            }
        }
        for (Replica r : unload) unload(r);
        if (dropNow) { // after the unloads: pages a live mapping holds cannot be dropped
            hostTier.close();
            boolean dropped = PageCache.drop(spec.source());
            synchronized (this) {
                dropHostTier = false;
            }
            LOG.log(System.Logger.Level.INFO, "model " + spec.id() + " evicted" + (dropped ? "; host tier dropped" : ""));
        }
    }

    /** Why a replica should be warm now though nobody asked: {@code schedule}, {@code predicted}, or null. */
    private String prewarmReason(long now) {
        if (policy.prewarmSchedule().active(LocalTime.now())) return "schedule";
        // the maintenance pass runs every second, so start that much earlier than the load takes
        long lead = MAINTENANCE_PERIOD_NANOS + lastLoadNanos * 3 / 2 + 200_000_000L;
        return policy.predictivePrewarm() && arrivals.dueWithin(now, lead) ? "predicted" : null;
    }

    private void unload(Replica r) {
        long bytes = r.deviceBytes();
        Model weights = r.closeKeepingWeights();
        boolean evicting;
        synchronized (this) {
            evicting = dropHostTier;
        }
        if (evicting) weights.close();
        else hostTier.keep(spec.source(), weights);
        events.transition(spec.id(), ReplicaState.DRAINING, ReplicaState.COLD);
        LOG.log(System.Logger.Level.INFO, "replica " + r.number + " of model " + spec.id() + " unloaded (" + (bytes >> 20)
                + " MiB freed; " + (evicting ? "its weights are dropped)" : "its weights stay mapped in host memory while memory allows)"));
    }

    /**
     * Takes every replica out of service and cancels ops' scale; each unloads once its running sequences finish.
     * Min-warm (the policy's or the functions') still holds: fresh replicas replace the drained ones.
     */
    synchronized int drain() {
        scaledTo = 0;
        int n = 0;
        for (Replica r : replicas) {
            if (!r.draining()) {
                r.drain();
                n++;
                events.transition(spec.id(), ReplicaState.WARM, ReplicaState.DRAINING);
            }
        }
        return n;
    }

    /**
     * Drains, and drops the weights from the page cache once the last replica has unloaded (pages a live mapping
     * holds cannot be dropped), so the next start reads the disk.
     */
    void evict() {
        synchronized (this) {
            drain();
            dropHostTier = true;
        }
        maintain(System.nanoTime());
    }

    synchronized void functionsMinWarm(int replicas) {
        functionsMinWarm = replicas;
    }

    /** KV tokens of replicas loaded from now on (running ones keep theirs until they unload). */
    synchronized void context(int tokens) {
        if (tokens < 16 || tokens > (1 << 20)) throw new IllegalArgumentException("context must be 16..1048576 tokens, got " + tokens);
        spec = spec.withKvTokens(tokens);
    }

    /** A new policy; one asking for more replicas than the device could ever hold is refused, with the figures. */
    synchronized void policy(PoolPolicy newPolicy) {
        int fit = replicasThatFit();
        if (newPolicy.maxReplicas() > fit || newPolicy.minWarm() > fit) {
            throw new IllegalArgumentException("max_replicas " + newPolicy.maxReplicas() + " and min_warm " + newPolicy.minWarm() + " of '" + spec.id()
                    + "' must be at most " + fit + ": a replica needs " + (loading.replicaBytes(spec.kvTokens()) >> 20) + " MiB and "
                    + memory.device() + " has " + (memory.capacity() >> 20) + " MiB in all");
        }
        policy = newPolicy;
    }

    /**
     * How many replicas of this model the device could hold if it held nothing else; unbounded while the model's size
     * is not known yet (a model fetched by URL before its first download).
     */
    synchronized int replicasThatFit() {
        return loading.replicasThatFit(spec.kvTokens());
    }

    PoolPolicy policy() {
        return policy;
    }

    synchronized boolean everWarm() {
        return everWarm;
    }

    synchronized String lastFailure() {
        return lastFailure;
    }

    synchronized PoolInfo info() {
        List<ReplicaInfo> list = new ArrayList<>();
        for (Replica r : replicas) {
            var blocks = r.backend().kvCache().pool();
            list.add(new ReplicaInfo(r.number, r.state(), r.backend().device(), r.deviceBytes(), r.load(), r.waiting(), r.tier(),
                    r.loadNanos() / 1e9, r.idleLimit(policy.idleTimeout()).toMillis() / 1e3, blocks.capacity(), blocks.freeBlocks(),
                    blocks.cachedBlocks(), r.tokensGenerated()));
        }
        return new PoolInfo(spec.id(), policy, spec.kvTokens(), functionsMinWarm, list, held, loading.loadingPercent(), new EnumMap<>(coldStarts), lastFailure,
                replicaFailures, loading.downloader() == null ? null : loading.downloader().info());
    }

    /** The model as listings show it: its card, with the KV and token figures summed over its loaded replicas. */
    ModelInfo modelInfo() {
        List<ReplicaInfo> loaded = info().replicas();
        ModelCard card = loading.card();
        if (card == null) return new ModelInfo(spec.id(), spec.id(), "unknown until downloaded", 0, 0, false, memory.device(), 0, 0, 0, 0, 0);
        return new ModelInfo(spec.id(), card.name(), card.architecture(), card.fileBytes(), card.contextLength(), card.randomWeights(),
                memory.device(), loaded.stream().mapToInt(ReplicaInfo::kvBlocks).sum(), loaded.stream().mapToInt(ReplicaInfo::kvBlocksFree).sum(),
                loaded.stream().mapToInt(ReplicaInfo::kvBlocksCached).sum(), loaded.stream().mapToLong(ReplicaInfo::tokensGenerated).sum(),
                card.embeddingLength());
    }

    /** Counts by state, COLD included as the replicas not loaded up to max-replicas. */
    synchronized Map<ReplicaState, Integer> stateCounts() {
        Map<ReplicaState, Integer> counts = new EnumMap<>(ReplicaState.class);
        Arrays.stream(ReplicaState.values()).forEach(s -> counts.put(s, 0));
        for (Replica r : replicas) counts.merge(r.state(), 1, Integer::sum);
        if (inFlight != null) counts.merge(ReplicaState.LOADING, 1, Integer::sum);
        counts.put(ReplicaState.COLD, Math.max(0, policy.maxReplicas() - replicas.size() - (inFlight != null ? 1 : 0)));
        return counts;
    }

    synchronized PrefixCacheInfo prefixCache() {
        int cached = 0, capacity = 0, pinned = 0;
        long blockBytes = 0;
        for (Replica r : replicas) {
            var kv = r.backend().kvCache();
            pinned += r.pinnedBlocks();
            cached += kv.pool().cachedBlocks();
            capacity += kv.pool().capacity();
            blockBytes = kv.store().blockBytes();
        }
        return new PrefixCacheInfo(spec.id(), cached, pinned, blockBytes, capacity, pins.blocksPerPin(replicas));
    }

    synchronized int clearPrefixCache() {
        int cleared = 0;
        for (Replica r : replicas) cleared += r.backend().kvCache().pool().forgetUnreferenced();
        return cleared;
    }

    synchronized int queueDepth() {
        int n = held;
        for (Replica r : replicas) n += r.waiting();
        return n;
    }

    void close() {
        List<Replica> all;
        synchronized (this) {
            all = List.copyOf(replicas);
            replicas.clear();
        }
        for (Replica r : all) r.close();
        hostTier.close();
    }
}
