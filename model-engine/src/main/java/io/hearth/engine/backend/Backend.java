package io.hearth.engine.backend;

import io.hearth.engine.kv.KvCache;
import io.hearth.engine.model.Model;

import java.util.List;

/**
 * Where a model's forward pass runs (the CPU here, a GPU in native-cuda). A backend owns the KV cache of the
 * model on its device. Calls to {@link #forward} are serialised; the pool's scheduler batches sequences into one call.
 */
public interface Backend extends AutoCloseable {

    /** Device name as the pool places replicas: {@code cpu} or {@code cuda:N}. */
    String device();

    Model model();

    KvCache kvCache();

    /** Memory this backend holds on its device: weights (mapped, on the CPU) and KV cache. */
    long deviceBytes();

    /**
     * Advances every entry's sequence by its tokens in one step and returns, per entry in order, what it asked for
     * ({@link BatchEntry.Output}): the logits of its last token ({@code vocab} floats) or of all its tokens
     * ({@code tokens × vocab}), or the final normed hidden states of all its tokens ({@code tokens × dim}).
     */
    List<float[]> forward(List<BatchEntry> batch);

    @Override
    void close();
}
