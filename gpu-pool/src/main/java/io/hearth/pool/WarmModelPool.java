package io.hearth.pool;

import io.hearth.engine.generate.TokenListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One always-warm CPU replica per configured model, loaded when the pool is built. A model that fails to load is
 * kept as failed with its reason: its calls get {@link ModelUnavailableException} and the pool is not ready, while
 * the other models serve. This is the simple pool the runtime starts with; scale-to-zero, cold starts, GPUs and
 * batching belong to the full pool.
 */
public final class WarmModelPool implements ModelPool {
    private static final System.Logger LOG = System.getLogger(WarmModelPool.class.getName());
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final Map<String, String> failed = new LinkedHashMap<>();

    public WarmModelPool(List<ModelSpec> specs) {
        for (ModelSpec spec : specs) {
            if (replicas.containsKey(spec.id()) || failed.containsKey(spec.id())) {
                close();
                throw new IllegalArgumentException("model id " + spec.id() + " is configured twice");
            }
            try {
                replicas.put(spec.id(), new Replica(spec));
            } catch (RuntimeException e) {
                failed.put(spec.id(), e.getMessage());
                LOG.log(System.Logger.Level.ERROR, "model " + spec.id() + " failed to load: " + e.getMessage());
            }
        }
    }

    @Override
    public Map<String, String> failures() {
        return Map.copyOf(failed);
    }

    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> infos = new ArrayList<>();
        for (Replica r : replicas.values()) infos.add(r.info());
        return infos;
    }

    @Override
    public boolean serves(String modelId) {
        return replicas.containsKey(modelId);
    }

    @Override
    public boolean ready() {
        return !replicas.isEmpty() && failed.isEmpty();
    }

    @Override
    public Completion generate(String modelId, ModelRequest request, TokenListener listener) {
        Replica replica = replicas.get(modelId);
        if (failed.containsKey(modelId)) {
            throw new ModelUnavailableException("model '" + modelId + "' failed to load: " + failed.get(modelId), true);
        }
        if (replica == null) {
            throw new ModelUnavailableException("model '" + modelId + "' is not served here (served: "
                    + String.join(", ", replicas.keySet()) + ")");
        }
        return replica.generate(request, listener);
    }

    @Override
    public void close() {
        for (Replica r : replicas.values()) r.close();
        replicas.clear();
    }
}
