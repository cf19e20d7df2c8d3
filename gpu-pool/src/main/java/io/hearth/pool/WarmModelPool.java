package io.hearth.pool;

import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One always-warm CPU replica per configured model, loaded when the pool is built. This is the simple pool the
 * runtime starts with; scale-to-zero, cold starts, GPUs and batching belong to the full pool.
 */
public final class WarmModelPool implements ModelPool {
    private final Map<String, Replica> replicas = new LinkedHashMap<>();

    public WarmModelPool(List<ModelSpec> specs) {
        try {
            for (ModelSpec spec : specs) {
                if (replicas.containsKey(spec.id())) throw new IllegalArgumentException("model id " + spec.id() + " is configured twice");
                replicas.put(spec.id(), new Replica(spec));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> infos = new ArrayList<>();
        for (Replica r : replicas.values()) infos.add(r.info());
        return infos;
    }

    @Override
    public boolean ready() {
        return !replicas.isEmpty();
    }

    @Override
    public GenerationResult generate(String modelId, ModelRequest request, TokenListener listener) {
        Replica replica = replicas.get(modelId);
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
