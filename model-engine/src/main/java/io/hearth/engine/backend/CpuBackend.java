package io.hearth.engine.backend;

import io.hearth.engine.compute.MatMul;
import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.HostKvStore;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.LayerWeights;
import io.hearth.engine.model.Model;
import io.hearth.engine.model.ModelConfig;
import io.hearth.engine.model.Weights;

import java.util.Arrays;
import java.util.List;

/**
 * The forward pass on the CPU: every token of the batch goes through each matrix together (so a prefill reuses each
 * weight tile across tokens), keys and values go into each sequence's paged blocks, and attention reads a
 * sequence's own blocks through its block table. Computation is float32 on dequantized weights.
 */
public final class CpuBackend implements Backend {
    private final Model model;
    private final ModelConfig config;
    private final Weights weights;
    private final WorkerPool pool;
    private final KvCache kv;
    /** The cache's storage, typed: this backend attends over it in place. */
    private final HostKvStore store;
    /** Elements of an element-wise loop worth a thread: tens of microseconds of exp. */
    private static final int ELEMENTWISE_GRAIN = 8192;
    private final ThreadLocal<float[]> scores = ThreadLocal.withInitial(() -> new float[256]);
    private Buffers buffers = new Buffers(0, null);

    public CpuBackend(Model model, EngineOptions options) {
        this.model = model;
        this.config = model.config();
        this.weights = model.weights();
        this.pool = new WorkerPool(options.threads());
        int blocks = KvCache.blocksFor(options.kvTokens());
        this.store = HostKvStore.create(options.kvType(), config.layers(), blocks, config.kvDim());
        this.kv = KvCache.forModel(model, store, blocks);
    }

    @Override
    public String device() {
        return "cpu";
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
    public long deviceBytes() {
        return model.file().fileSize() + store.byteSize();
    }

    public int threads() {
        return pool.threads();
    }

    /** Scratch arrays sized for a batch of tokens, kept between steps. */
    private record Buffers(int tokens, float[][] arrays) {
        float[] x() { return arrays[0]; }
        float[] xb() { return arrays[1]; }
        float[] q() { return arrays[2]; }
        float[] k() { return arrays[3]; }
        float[] v() { return arrays[4]; }
        float[] att() { return arrays[5]; }
        float[] gate() { return arrays[6]; }
        float[] up() { return arrays[7]; }
        float[] ropeCos() { return arrays[8]; }
        float[] ropeSin() { return arrays[9]; }
    }

    private Buffers buffersFor(int tokens) {
        if (buffers.tokens() < tokens) {
            int d = config.dim(), q = config.qDim(), kv = config.kvDim(), ff = config.ffDim();
            buffers = new Buffers(tokens, new float[][]{new float[tokens * d], new float[tokens * d], new float[tokens * q],
                    new float[tokens * kv], new float[tokens * kv], new float[tokens * q], new float[tokens * ff], new float[tokens * ff],
                    new float[tokens * config.ropeDims() / 2], new float[tokens * config.ropeDims() / 2]});
        }
        return buffers;
    }

    @Override
    public synchronized List<float[]> forward(List<BatchEntry> batch) {
        StepLayout step = StepLayout.reserve(batch, kv, config);
        int total = step.total();
        Buffers b = buffersFor(total);
        int dim = config.dim();
        for (int t = 0; t < total; t++) weights.tokenEmbedding().dequantizeRow(step.tokens()[t], b.x(), t * dim);
        step.ropeAngles(config, weights.ropeFreqFactors(), b.ropeCos(), b.ropeSin());
        for (int layer = 0; layer < config.layers(); layer++) {
            attentionBlock(layer, weights.layers()[layer], b, total, step.slots(), step.positions(), step.owners());
            feedForwardBlock(weights.layers()[layer], b, total);
        }
        List<float[]> result = outputs(batch, b);
        for (BatchEntry e : batch) kv.commit(e.sequence(), e.tokens());
        return result;
    }

    private void attentionBlock(int layer, LayerWeights w, Buffers b, int total, int[] slots, int[] positions, Sequence[] owners) {
        int dim = config.dim(), qDim = config.qDim(), kvDim = config.kvDim(), headDim = config.headDim();
        for (int t = 0; t < total; t++) TransformerOps.rmsNorm(b.xb(), t * dim, b.x(), t * dim, w.attnNorm(), dim, config.rmsEps());
        MatMul.matmul(pool, w.wq(), b.xb(), total, b.q());
        MatMul.matmul(pool, w.wk(), b.xb(), total, b.k());
        MatMul.matmul(pool, w.wv(), b.xb(), total, b.v());
        for (int t = 0; t < total; t++) {
            addBias(b.q(), t * qDim, w.bq());
            addBias(b.k(), t * kvDim, w.bk());
            addBias(b.v(), t * kvDim, w.bv());
            for (int h = 0; h < config.heads(); h++) rope(b, b.q(), t * qDim + h * headDim, t);
            for (int h = 0; h < config.kvHeads(); h++) rope(b, b.k(), t * kvDim + h * headDim, t);
            store.write(layer, slots[t], b.k(), t * kvDim, b.v(), t * kvDim);
        }
        int heads = config.heads();
        int grain = Math.max(1, MatMul.MIN_WORK_PER_THREAD / Math.max(1, 2 * headDim * (positions[total - 1] + 1)));
        pool.parallelFor(total * heads, grain, (start, end) -> {
            for (int item = start; item < end; item++) attendHead(layer, b, item / heads, item % heads, positions, owners);
        });
        MatMul.matmul(pool, w.wo(), b.att(), total, b.xb());
        addInto(b.x(), b.xb(), total * dim);
    }

    private void attendHead(int layer, Buffers b, int t, int head, int[] positions, Sequence[] owners) {
        int headDim = config.headDim();
        int qOffset = t * config.qDim() + head * headDim;
        int kvOffset = (head / (config.heads() / config.kvHeads())) * headDim;
        int length = positions[t] + 1;
        float[] s = scores.get();
        if (s.length < length) {
            s = new float[Math.max(length, s.length * 2)];
            scores.set(s);
        }
        Sequence sequence = owners[t];
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int p = 0; p < length; p++) s[p] = store.dotKey(layer, sequence.slot(p), kvOffset, b.q(), qOffset, headDim) * scale;
        TransformerOps.softmax(s, length);
        float[] out = b.att();
        Arrays.fill(out, qOffset, qOffset + headDim, 0f);
        for (int p = 0; p < length; p++) store.addValue(layer, sequence.slot(p), kvOffset, s[p], out, qOffset, headDim);
    }

    private void feedForwardBlock(LayerWeights w, Buffers b, int total) {
        int dim = config.dim(), ff = config.ffDim();
        for (int t = 0; t < total; t++) TransformerOps.rmsNorm(b.xb(), t * dim, b.x(), t * dim, w.ffnNorm(), dim, config.rmsEps());
        MatMul.matmul(pool, w.wGate(), b.xb(), total, b.gate());
        MatMul.matmul(pool, w.wUp(), b.xb(), total, b.up());
        // exp per element: serial, it took a tenth of a 16-sequence step
        pool.parallelFor(total * ff, ELEMENTWISE_GRAIN, (start, end) -> TransformerOps.swiGlu(b.gate(), b.up(), start, end - start));
        MatMul.matmul(pool, w.wDown(), b.gate(), total, b.xb());
        addInto(b.x(), b.xb(), total * dim);
    }

    /** The step's outputs: each asked row normed by the output norm; the output matrix applied to those that want logits. */
    private List<float[]> outputs(List<BatchEntry> batch, Buffers b) {
        int dim = config.dim(), vocab = config.vocabSize();
        int[] rows = StepLayout.outputRows(batch);
        int logitRows = StepLayout.logitRowCount(batch);
        float[] normed = new float[rows.length * dim];
        for (int row = 0; row < rows.length; row++) {
            TransformerOps.rmsNorm(normed, row * dim, b.x(), rows[row] * dim, weights.outputNorm(), dim, config.rmsEps());
        }
        float[] logits = new float[logitRows * vocab];
        if (logitRows > 0) MatMul.matmul(pool, weights.output(), normed, logitRows, logits);
        float[] hidden = Arrays.copyOfRange(normed, logitRows * dim, normed.length);
        return StepLayout.outputsPerEntry(batch, logits, vocab, hidden, dim);
    }

    private void rope(Buffers b, float[] x, int offset, int token) {
        TransformerOps.rope(x, offset, config.ropeDims(), b.ropeCos(), b.ropeSin(), token * (config.ropeDims() / 2), config.ropeStyle());
    }

    private static void addBias(float[] x, int offset, float[] bias) {
        if (bias == null) return;
        for (int i = 0; i < bias.length; i++) x[offset + i] += bias[i];
    }

    private static void addInto(float[] x, float[] delta, int n) {
        for (int i = 0; i < n; i++) x[i] += delta[i];
    }

    @Override
    public void close() {
        pool.close();
    }
}
