package io.hearth.pool;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The prefixes pinned on a model's replicas (see {@link PinnedPrefix}: functions' fixed prompt starts): kept by key,
 * applied to every replica now and to each one as it loads, removed from all on unpin. Computing a prefix takes a
 * prefill, which needs the replica's step loop running, so pinning runs on a loader thread, never the caller's.
 */
final class ReplicaPins {
    private static final System.Logger LOG = System.getLogger(ReplicaPins.class.getName());

    private final String model;
    private final Executor loader;
    private final Map<String, PinnedPrefix> pins = new ConcurrentHashMap<>();

    ReplicaPins(String model, Executor loader) {
        this.model = model;
        this.loader = loader;
    }

    /** Pins {@code prefix} under {@code key} on {@code replicas} (and on those that load later); replaces one of the same key. */
    void pin(String key, PinnedPrefix prefix, Collection<Replica> replicas) {
        if (prefix.equals(pins.put(key, prefix))) return;
        for (Replica r : replicas) pinOn(r, key, prefix);
    }

    void unpin(String key, Collection<Replica> replicas) {
        if (pins.remove(key) == null) return;
        for (Replica r : replicas) r.unpin(key);
    }

    /** A replica just loaded: every pinned prefix goes on it. */
    void applyTo(Replica replica) {
        pins.forEach((key, prefix) -> pinOn(replica, key, prefix));
    }

    /** Blocks pinned per key over {@code replicas}, every key listed (0 where none is pinned yet). */
    Map<String, Integer> blocksPerPin(Collection<Replica> replicas) {
        Map<String, Integer> perPin = new java.util.TreeMap<>();
        for (String key : pins.keySet()) perPin.put(key, 0);
        for (Replica r : replicas) {
            for (String key : pins.keySet()) perPin.merge(key, r.pinnedBlocks(key), Integer::sum);
        }
        return perPin;
    }

    private void pinOn(Replica r, String key, PinnedPrefix prefix) {
        loader.execute(() -> {
            try {
                int blocks = r.pin(key, prefix);
                // unpinned, or replaced by another prefix, while it was computed: the pin that holds is the current one's
                if (!prefix.equals(pins.get(key))) r.unpin(key);
                else LOG.log(System.Logger.Level.INFO, "replica " + r.number + " of model " + model + " pinned " + blocks + " prefix blocks of " + key);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "replica " + r.number + " of model " + model + " could not pin the prefix of " + key + ": " + e.getMessage());
            }
        });
    }
}
