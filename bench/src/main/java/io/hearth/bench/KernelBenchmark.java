package io.hearth.bench;

import io.hearth.engine.compute.MatMul;
import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.tensor.FloatTensor;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine's matrix kernels on a TinyLlama FFN-up shaped weight (5632 × 2048) in every type: decode (one token,
 * memory-bound; compare bytes/op with the machine's read bandwidth), a 16-sequence batched decode step and prefill
 * (64 tokens, compute-bound).
 * One thread each, so the figures are per core. Each type runs in its own fork: a shared JIT profile across types
 * would measure deoptimisation, not kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class KernelBenchmark {
    static final int ROWS = 5632, COLUMNS = 2048, PREFILL_TOKENS = 64;

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    public String type;

    private Arena arena;
    private FloatTensor weights;
    private WorkerPool pool;
    private float[] x, xs, out, outs;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        arena = Arena.ofShared();
        long bytes = t.bytesFor((long) ROWS * COLUMNS);
        MemorySegment segment = arena.allocate(bytes, 64);
        ByteBuffer buffer = segment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(1);
        float[] row = new float[COLUMNS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLUMNS; c++) row[c] = (float) random.nextGaussian() * 0.02f;
            Quantizer.quantize(t, row, 0, COLUMNS, buffer);
        }
        weights = FloatTensor.of(t, segment, COLUMNS, ROWS);
        pool = new WorkerPool(1);
        x = new float[COLUMNS];
        xs = new float[COLUMNS * PREFILL_TOKENS];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) random.nextGaussian();
        System.arraycopy(xs, 0, x, 0, COLUMNS);
        out = new float[ROWS];
        outs = new float[ROWS * PREFILL_TOKENS];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** One token: every weight byte read once. */
    @Benchmark
    public float[] decode() {
        MatMul.matmul(pool, weights, x, 1, out);
        return out;
    }

    /** 4 tokens: a small continuous batch, just below where the tiled path takes over. */
    @Benchmark
    public float[] batch4() {
        MatMul.matmul(pool, weights, xs, 4, outs);
        return outs;
    }

    /**
     * 16 tokens: one step of a continuous batch of 16 decoding sequences. Its time over 16 × decode's is what batching
     * can gain at most on this machine (the pool's throughput target is 3× one client's at 16 clients).
     */
    @Benchmark
    public float[] batch16() {
        MatMul.matmul(pool, weights, xs, 16, outs);
        return outs;
    }

    /** 64 tokens through the same weights: the prefill path (row tiles dequantized once, reused per token). */
    @Benchmark
    public float[] prefill64() {
        MatMul.matmul(pool, weights, xs, PREFILL_TOKENS, outs);
        return outs;
    }
}
