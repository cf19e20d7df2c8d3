package io.hearth.cuda;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.Sampler;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend against the CPU backend on llama.cpp's conformance models (../shared/conformance; skipped
 * without it, or without a GPU, saying which). Tolerances, on logits of size 10–40:
 * <ul>
 *   <li>decode steps (fp32 products on the device, sums in another order): {@value #DECODE_TOLERANCE} absolute;</li>
 *   <li>prompts of 16 tokens and more go through tensor cores with fp16 inputs: {@value #PREFILL_TOLERANCE} absolute
 *       (fp16 keeps 11 bits: about 5e-4 relative per rounded input, through every layer);</li>
 *   <li>greedy continuations: identical tokens while the CPU's top-1/top-2 margin exceeds the prefill tolerance.</li>
 * </ul>
 */
class CudaBackendTest {
    static final double DECODE_TOLERANCE = 1e-3;
    static final double PREFILL_TOLERANCE = 0.05;
    private static final int KV_TOKENS = 1024;

    private static Path conformanceModel(String name) {
        String configured = System.getProperty("hearth.conformance.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/conformance");
        assumeTrue(Files.isDirectory(dir.resolve("models")), "llama.cpp conformance data not found at " + dir.toAbsolutePath().normalize());
        return dir.resolve("models").resolve(name + ".gguf");
    }

    private static void needsADevice() {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(found.devices().isEmpty(), "no CUDA device here: " + found.unavailable());
    }

    /** The skip path the pool relies on: without a device (or library) a load is refused with the reason, nothing held. */
    @Test
    void withoutADeviceALoadIsRefusedWithTheReason(@TempDir Path dir) throws IOException {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeTrue(found.devices().isEmpty(), "a device is here: the other tests cover loading");
        Path file = dir.resolve("tiny.gguf");
        try (WorkerPool pool = new WorkerPool(1)) {
            ModelGenerator.write(ModelShape.named("tiny"), GgmlType.Q8_0, 1, file, pool);
        }
        try (Model model = Model.load(file)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CudaBackend.load(model, 0, 64, percent -> { }));
            assertTrue(refused.getMessage().contains(found.unavailable()), refused.getMessage());
            assertEquals(0, CudaMemory.allocatedBytes(0));
        }
    }

    /** Random-weight models of every weight type, generated here: the comparison needs no reference data, so it runs wherever a GPU is. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class)
    void generatedModelsOfEveryTypeMatchTheCpuBackend(GgmlType type, @TempDir Path dir) throws IOException {
        needsADevice();
        Path file = dir.resolve("tiny-" + type + ".gguf");
        try (WorkerPool pool = new WorkerPool(2)) {
            ModelGenerator.write(ModelShape.named("tiny"), type, 7, file, pool);
        }
        compareWithCpu(file, type.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "tiny-llama-spm-f32", "tiny-qwen2-f32", "tiny-llama3-bpe-f16", "tiny-llama-spm-256-q8_0",
            "tiny-llama-spm-256-q4_0", "tiny-llama-spm-256-q4_k_m"})
    void conformanceModelsMatchTheCpuBackend(String name) {
        Path file = conformanceModel(name);
        needsADevice();
        compareWithCpu(file, name);
    }

    private static void compareWithCpu(Path file, String name) {
        try (Model model = Model.load(file); CpuBackend cpu = new CpuBackend(model, new EngineOptions(2, KvType.F32, KV_TOKENS));
             CudaBackend gpu = CudaBackend.load(model, 0, KV_TOKENS, percent -> { })) {
            int[] shortPrompt = model.tokenizer().encode("Once upon a time", true, true);
            int[] longPrompt = model.tokenizer().encode("Once upon a time, there was a little girl named Lily. She loved to play outside", true, true);
            List<String> problems = new ArrayList<>();
            compareGreedy(cpu, gpu, shortPrompt, 24, DECODE_TOLERANCE, problems);
            compareGreedy(cpu, gpu, longPrompt, 24, PREFILL_TOLERANCE, problems);
            assertEquals(List.of(), problems, name);
        }
    }

    /** Runs both backends greedily from {@code prompt}: logits within tolerance, same tokens while the margin allows. */
    private static void compareGreedy(Backend cpu, Backend gpu, int[] prompt, int steps, double promptTolerance, List<String> problems) {
        Sequence c = cpu.kvCache().newSequence(), g = gpu.kvCache().newSequence();
        try {
            float[] expected = cpu.forward(List.of(BatchEntry.lastLogits(c, prompt))).getFirst();
            float[] actual = gpu.forward(List.of(BatchEntry.lastLogits(g, prompt))).getFirst();
            double tolerance = promptTolerance;
            for (int step = 0; step < steps; step++) {
                double diff = maxDifference(expected, actual);
                if (diff > tolerance) problems.add(prompt.length + "-token prompt, step " + step + ": logits differ by " + diff);
                int token = Sampler.argmax(expected);
                if (Sampler.argmax(actual) != token && margin(expected) > 2 * tolerance) {
                    problems.add(prompt.length + "-token prompt, step " + step + ": GPU picks " + Sampler.argmax(actual) + ", CPU " + token);
                }
                if (!problems.isEmpty()) return;
                expected = cpu.forward(List.of(BatchEntry.lastLogits(c, token))).getFirst();
                actual = gpu.forward(List.of(BatchEntry.lastLogits(g, token))).getFirst();
                tolerance = Math.max(DECODE_TOLERANCE, promptTolerance); // the prompt's KV carries its rounding into every step
            }
        } finally {
            cpu.kvCache().release(c);
            gpu.kvCache().release(g);
        }
    }

    /** Three sequences at different lengths in one step: each gets what it gets alone. */
    @Test
    void aBatchedStepGivesEachSequenceWhatItGetsAlone() {
        Path file = conformanceModel("tiny-llama-spm-256-q8_0");
        needsADevice();
        try (Model model = Model.load(file); CudaBackend gpu = CudaBackend.load(model, 0, KV_TOKENS, percent -> { })) {
            int[][] prompts = {{1, 5, 9}, {1, 100, 101, 102, 103, 104, 105}, {1, 42}};
            float[][] alone = new float[prompts.length][];
            for (int i = 0; i < prompts.length; i++) {
                Sequence s = gpu.kvCache().newSequence();
                gpu.forward(List.of(BatchEntry.lastLogits(s, prompts[i])));
                alone[i] = gpu.forward(List.of(BatchEntry.lastLogits(s, 7))).getFirst();
                gpu.kvCache().release(s);
            }
            Sequence[] together = new Sequence[prompts.length];
            List<BatchEntry> prefill = new ArrayList<>(), decode = new ArrayList<>();
            for (int i = 0; i < prompts.length; i++) {
                together[i] = gpu.kvCache().newSequence();
                prefill.add(BatchEntry.lastLogits(together[i], prompts[i]));
                decode.add(BatchEntry.lastLogits(together[i], 7));
            }
            gpu.forward(prefill);
            List<float[]> batched = gpu.forward(decode);
            for (int i = 0; i < prompts.length; i++) {
                assertTrue(maxDifference(alone[i], batched.get(i)) <= DECODE_TOLERANCE, "sequence " + i + " differs by " + maxDifference(alone[i], batched.get(i)));
            }
        }
    }

    /** A block exported from the GPU's KV imports into the CPU's (same layout) and back, byte for byte. */
    @Test
    void kvBlocksMoveBetweenDeviceAndHostUnchanged() {
        Path file = conformanceModel("tiny-llama-spm-f32");
        needsADevice();
        try (Model model = Model.load(file); CpuBackend cpu = new CpuBackend(model, new EngineOptions(2, KvType.F32, 64));
             CudaBackend gpu = CudaBackend.load(model, 0, 64, percent -> { })) {
            assertEquals(cpu.kvCache().store().blockBytes(), gpu.kvCache().store().blockBytes());
            Sequence s = gpu.kvCache().newSequence();
            gpu.forward(List.of(BatchEntry.lastLogits(s, new int[17])));
            ByteBuffer out = ByteBuffer.allocate(gpu.kvCache().store().blockBytes());
            gpu.kvCache().store().exportBlock(s.block(0), out);
            byte[] exported = out.array();
            assertTrue(!Arrays.equals(exported, new byte[exported.length]), "the block holds the prompt's keys and values");
            gpu.kvCache().store().importBlock(3, ByteBuffer.wrap(exported));
            ByteBuffer again = ByteBuffer.allocate(exported.length);
            gpu.kvCache().store().exportBlock(3, again);
            assertArrayEquals(exported, again.array());
            cpu.kvCache().store().importBlock(0, ByteBuffer.wrap(exported));
            ByteBuffer fromCpu = ByteBuffer.allocate(exported.length);
            cpu.kvCache().store().exportBlock(0, fromCpu);
            assertArrayEquals(exported, fromCpu.array());
        }
    }

    /** A loaded replica holds its weights and KV on the device; closing it gives every byte back, to the driver too. */
    @Test
    void closingTheBackendFreesAllItsDeviceMemory() {
        Path file = conformanceModel("tiny-llama3-bpe-f16");
        needsADevice();
        long heldBefore = CudaMemory.allocatedBytes(0), freeBefore = CudaDevices.freeBytesNow(0);
        List<Integer> percents = new ArrayList<>();
        try (Model model = Model.load(file)) {
            CudaBackend gpu = CudaBackend.load(model, 0, KV_TOKENS, percents::add);
            gpu.forward(List.of(BatchEntry.lastLogits(gpu.kvCache().newSequence(), 1, 2, 3)));
            assertTrue(CudaMemory.allocatedBytes(0) - heldBefore >= CudaBackend.weightBytes(model.file()) + gpu.kvCache().store().byteSize(), "weights and KV are on the device");
            gpu.close();
        }
        assertEquals(heldBefore, CudaMemory.allocatedBytes(0));
        long slack = 64L << 20; // the driver's own bookkeeping may move by a few pages
        assertTrue(CudaDevices.freeBytesNow(0) >= freeBefore - slack, "free memory returns to its level: " + freeBefore + " → " + CudaDevices.freeBytesNow(0));
        assertTrue(!percents.isEmpty() && percents.getLast() >= 90, "progress was reported: " + percents);
    }

    private static double maxDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst;
    }

    private static double margin(float[] logits) {
        float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }
}
