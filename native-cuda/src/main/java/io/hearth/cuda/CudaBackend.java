package io.hearth.cuda;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.StepLayout;
import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import io.hearth.engine.model.ModelConfig;
import io.hearth.engine.model.RopeStyle;
import io.hearth.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The forward pass on a CUDA device, the CPU backend's twin step for step: weights and KV cache live in device
 * memory, a step's inputs (token ids, slots, each sequence's slot table, RoPE angles from the CPU backend's own
 * code) go up in one staging buffer, every kernel of every layer is queued on the replica's stream without a wait,
 * and the step waits once, for its logits. A CUDA error surfaces as a {@link CudaException} naming the call; the
 * pool then fails the replica and replaces it.
 */
public final class CudaBackend implements Backend {
    private final Model model;
    private final ModelConfig config;
    private final int device;
    private final CudaStream stream;
    private final DeviceWeights weights;
    private final DeviceKvStore store;
    private final KvCache kv;
    private final StepBuffers buffers;
    private final StepBuffers.Shape shape;

    private CudaBackend(Model model, int device, int kvTokens, IntConsumer progress) {
        this.model = model;
        this.config = model.config();
        this.device = device;
        this.shape = new StepBuffers.Shape(config.dim(), config.qDim(), config.kvDim(), config.ffDim(), config.ropeDims(), config.vocabSize());
        CudaStream s = CudaStream.create(device);
        DeviceWeights w = null;
        DeviceKvStore kvStore = null;
        try {
            w = DeviceWeights.upload(model, device, progress);
            int blocks = KvCache.blocksFor(kvTokens);
            kvStore = new DeviceKvStore(device, config.layers(), blocks, config.kvDim(), s);
            this.kv = KvCache.forModel(model, kvStore, blocks);
        } catch (RuntimeException e) {
            if (kvStore != null) kvStore.close();
            if (w != null) w.close();
            s.close();
            throw e;
        }
        this.stream = s;
        this.weights = w;
        this.store = kvStore;
        this.buffers = new StepBuffers(device);
    }

    /**
     * Uploads {@code model} (mapped; its pages may already be in memory) to {@code cuda:device} with a KV cache of
     * {@code kvTokens} tokens, reporting percent uploaded to {@code progress}.
     */
    public static CudaBackend load(Model model, int device, int kvTokens, IntConsumer progress) {
        CudaDevices.Discovery found = CudaDevices.discover();
        if (found.devices().stream().noneMatch(d -> d.index() == device)) {
            throw new IllegalStateException("no CUDA device " + device + ": "
                    + (found.devices().isEmpty() ? found.unavailable() : "this machine has " + found.devices().size()));
        }
        return new CudaBackend(model, device, kvTokens, progress);
    }

    /**
     * Device bytes the weights of the model in {@code file} take on a GPU (K-quant matrices grow to F32), from its
     * header: what the pool reserves on a device, with the KV cache, before it loads.
     */
    public static long weightBytes(GgufFile file) {
        return DeviceWeights.bytesFor(file);
    }

    @Override
    public long deviceBytes() {
        return weights.bytes() + store.byteSize();
    }

    @Override
    public String device() {
        return "cuda:" + device;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public KvCache kvCache() {
        return kv;
    }

    @Override
    public synchronized List<float[]> forward(List<BatchEntry> batch) {
        StepLayout step = StepLayout.reserve(batch, kv, config);
        int total = step.total();
        int[] outputRows = StepLayout.outputRows(batch);
        int rows = outputRows.length, logitRows = StepLayout.logitRowCount(batch);
        SlotTables tables = SlotTables.of(batch, step);
        int maxLength = step.maxLength();
        buffers.ensure(total, rows, logitRows, tables.slots().length, (long) total * config.heads() * maxLength, shape);
        sendInputs(step, tables, outputRows);

        StepBuffers b = buffers;
        CudaKernels.embed(stream, weights.embedding().type(), b.x, weights.embedding().memory(), b.tokenIds, total, config.dim(),
                weights.embedding().rows());
        for (int layer = 0; layer < config.layers(); layer++) {
            attentionBlock(layer, weights.layers().get(layer), total, maxLength);
            feedForwardBlock(weights.layers().get(layer), total);
        }
        // the rows asked for, gathered by the embedding kernel reading x as an F32 table: those wanting logits come first,
        // so the output matrix runs over them alone; the hidden rows after them are returned normed
        CudaKernels.embed(stream, GgmlType.F32, b.normed, b.x, b.outputRows, rows, config.dim(), total);
        CudaKernels.rmsnorm(stream, b.normed, b.normed, weights.outputNorm(), rows, config.dim(), config.rmsEps());
        if (logitRows > 0) matmul(weights.output(), b.logits, b.normed, logitRows);
        float[] logits = buffers.receive(b.logits, 0, (long) logitRows * config.vocabSize(), stream);
        float[] hidden = buffers.receive(b.normed, (long) logitRows * config.dim(), (long) (rows - logitRows) * config.dim(), stream);
        List<float[]> result = StepLayout.outputsPerEntry(batch, logits, config.vocabSize(), hidden, config.dim());
        for (BatchEntry e : batch) kv.commit(e.sequence(), e.tokens());
        return result;
    }

    /**
     * Each token's view of its sequence's KV: the slots of positions 0.. of its sequence, once per sequence (a prefill
     * chunk's tokens share their sequence's table), and where in that table each token's span starts and how long it is.
     */
    private record SlotTables(int[] slots, int[] offsets, int[] lengths) {
        static SlotTables of(List<BatchEntry> batch, StepLayout step) {
            Map<Sequence, Integer> start = new IdentityHashMap<>();
            int size = 0;
            for (BatchEntry e : batch) {
                if (start.containsKey(e.sequence())) continue;
                start.put(e.sequence(), size);
                size += e.sequence().length() + e.tokens().length;
            }
            int[] slots = new int[size];
            for (BatchEntry e : batch) {
                int from = start.get(e.sequence()), length = e.sequence().length() + e.tokens().length;
                for (int p = 0; p < length; p++) slots[from + p] = e.sequence().slot(p);
            }
            int[] offsets = new int[step.total()], lengths = new int[step.total()];
            for (int t = 0; t < step.total(); t++) {
                offsets[t] = start.get(step.owners()[t]);
                lengths[t] = step.positions()[t] + 1;
            }
            return new SlotTables(slots, offsets, lengths);
        }
    }

    private void sendInputs(StepLayout step, SlotTables tables, int[] outputRows) {
        int total = step.total(), half = config.ropeDims() / 2;
        float[] cos = new float[total * half], sin = new float[total * half];
        step.ropeAngles(config, model.weights().ropeFreqFactors(), cos, sin);
        StepBuffers b = buffers;
        long at = b.send(MemorySegment.ofArray(step.tokens()), b.tokenIds, 0, stream);
        at = b.send(MemorySegment.ofArray(step.slots()), b.slots, at, stream);
        at = b.send(MemorySegment.ofArray(tables.offsets()), b.offsets, at, stream);
        at = b.send(MemorySegment.ofArray(tables.lengths()), b.lengths, at, stream);
        at = b.send(MemorySegment.ofArray(tables.slots()), b.slotTable, at, stream);
        at = b.send(MemorySegment.ofArray(outputRows), b.outputRows, at, stream);
        at = b.send(MemorySegment.ofArray(cos), b.cos, at, stream);
        b.send(MemorySegment.ofArray(sin), b.sin, at, stream);
    }

    private void attentionBlock(int layer, DeviceWeights.Layer w, int total, int maxLength) {
        StepBuffers b = buffers;
        int dim = config.dim(), headDim = config.headDim();
        CudaKernels.rmsnorm(stream, b.xb, b.x, w.attnNorm(), total, dim, config.rmsEps());
        matmul(w.wq(), b.q, b.xb, total);
        matmul(w.wk(), b.k, b.xb, total);
        matmul(w.wv(), b.v, b.xb, total);
        addBias(b.q, w.bq(), total, config.qDim());
        addBias(b.k, w.bk(), total, config.kvDim());
        addBias(b.v, w.bv(), total, config.kvDim());
        boolean adjacent = config.ropeStyle() == RopeStyle.ADJACENT_PAIRS;
        CudaKernels.rope(stream, b.q, total, config.heads(), headDim, config.ropeDims(), b.cos, b.sin, adjacent);
        CudaKernels.rope(stream, b.k, total, config.kvHeads(), headDim, config.ropeDims(), b.cos, b.sin, adjacent);
        CudaKernels.kvStore(stream, store.keys(layer), store.values(layer), b.k, b.v, b.slots, total, config.kvDim());
        CudaKernels.attention(stream, b.att, b.q, store.keys(layer), store.values(layer), b.slotTable, b.offsets, b.lengths, total,
                config.heads(), config.kvHeads(), headDim, b.scores, maxLength);
        matmul(w.wo(), b.xb, b.att, total);
        CudaKernels.add(stream, b.x, b.xb, (long) total * dim, (long) total * dim);
    }

    private void feedForwardBlock(DeviceWeights.Layer w, int total) {
        StepBuffers b = buffers;
        int dim = config.dim();
        CudaKernels.rmsnorm(stream, b.xb, b.x, w.ffnNorm(), total, dim, config.rmsEps());
        matmul(w.wGate(), b.gate, b.xb, total);
        matmul(w.wUp(), b.up, b.xb, total);
        CudaKernels.swiglu(stream, b.gate, b.up, (long) total * config.ffDim());
        matmul(w.wDown(), b.xb, b.gate, total);
        CudaKernels.add(stream, b.x, b.xb, (long) total * dim, (long) total * dim);
    }

    private void matmul(DeviceTensor w, CudaMemory out, CudaMemory x, int tokens) {
        CudaKernels.matmul(stream, w.type(), out, w.memory(), x, tokens, Math.toIntExact(w.rows()), w.cols());
    }

    private void addBias(CudaMemory x, CudaMemory bias, int tokens, int n) {
        if (bias != null) CudaKernels.add(stream, x, bias, (long) tokens * n, n);
    }

    @Override
    public synchronized void close() {
        try {
            stream.synchronize();
        } catch (CudaException e) {
            // a failed replica is closed too: what is left is freeing its memory
        }
        buffers.close();
        store.close();
        weights.close();
        stream.close();
    }
}
