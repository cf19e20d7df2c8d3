package io.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hearth.cuda.CudaBackend;
import io.hearth.cuda.CudaBandwidth;
import io.hearth.cuda.CudaDevice;
import io.hearth.cuda.CudaDevices;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.LayerWeights;
import io.hearth.engine.model.Model;
import io.hearth.engine.model.Weights;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend's figures, as the CUDA issue asks, each beside its limit measured (or, for tensor cores, taken
 * from the datasheet) in the same run, on cuda:0:
 * <ul>
 *   <li>load: the weights uploaded from a mapping whose pages are in memory (the pool's host tier), against
 *       weight bytes ÷ measured pinned host-to-device bandwidth (target: within 1.5×);</li>
 *   <li>decode tokens/s at 1, 8, 32 and 64 sequences: batch 1 against device bandwidth ÷ weight bytes read per
 *       token (target ≥ 70%); 64 sequences against batch 1 (target ≥ 15×);</li>
 *   <li>prefill tokens/s of a 512-token prompt against the tensor-core rate ÷ 2 FLOPs per weight.</li>
 * </ul>
 * Usage: CudaBenchmark results.json model.gguf... (random-weight models from gen-model).
 */
public final class CudaBenchmark {
    private static final int[] BATCHES = {1, 8, 32, 64};
    private static final int PROMPT_TOKENS = 8, DECODE_STEPS = 32, PREFILL_TOKENS = 512, ROUNDS = 3;
    private static final int KV_TOKENS = 64 * (PROMPT_TOKENS + DECODE_STEPS + 8) + PREFILL_TOKENS + 64;

    public static void main(String[] args) throws Exception {
        CudaDevices.Discovery found = CudaDevices.discover();
        if (found.devices().isEmpty()) {
            System.err.println("no CUDA device: " + found.unavailable());
            System.exit(2);
        }
        CudaDevice device = found.devices().getFirst();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("device", device.name());
        results.put("compute_capability", device.major() + "." + device.minor());
        double deviceGBps = CudaBandwidth.deviceGBps(0, 1L << 30), pcieGBps = CudaBandwidth.hostToDeviceGBps(0, 256L << 20);
        double tensorTflops = datasheetFp16Tflops(device.name());
        results.put("device_memory_GBps", deviceGBps);
        results.put("host_to_device_GBps", pcieGBps);
        results.put("tensor_core_fp16_dense_TFLOPs_datasheet", tensorTflops);
        List<Map<String, Object>> models = new ArrayList<>();
        for (int i = 1; i < args.length; i++) models.add(measure(Path.of(args[i]), deviceGBps, pcieGBps, tensorTflops));
        results.put("models", models);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[0]).toFile(), results);
        print(results);
    }

    private static Map<String, Object> measure(Path file, double deviceGBps, double pcieGBps, double tensorTflops) throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", file.getFileName().toString());
        try (Model model = Model.load(file)) {
            touch(file);
            long weightBytes = CudaBackend.weightBytes(model.file());
            List<Double> loads = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                CudaBackend.load(model, 0, KV_TOKENS, percent -> { }).close();
                loads.add((System.nanoTime() - start) / 1e6);
            }
            double loadLimit = weightBytes / (pcieGBps * 1e9) * 1e3;
            row.put("weight_bytes", weightBytes);
            row.put("load_ms", median(loads));
            row.put("load_limit_ms", loadLimit);
            row.put("load_vs_limit", median(loads) / loadLimit);

            long bytesPerToken = model.weights().bytesPerToken();
            double decodeLimit = deviceGBps * 1e9 / bytesPerToken;
            row.put("bytes_per_token", bytesPerToken);
            row.put("decode_limit_tokens_per_s", decodeLimit);
            try (CudaBackend gpu = CudaBackend.load(model, 0, KV_TOKENS, percent -> { })) {
                Map<String, Double> decode = new LinkedHashMap<>();
                for (int batch : BATCHES) decode.put(String.valueOf(batch), decodeTokensPerSecond(gpu, batch));
                row.put("decode_tokens_per_s", decode);
                row.put("decode_1_vs_limit", decode.get("1") / decodeLimit);
                row.put("decode_64_vs_1", decode.get("64") / decode.get("1"));
                double prefill = prefillTokensPerSecond(gpu);
                double prefillLimit = tensorTflops * 1e12 / (2.0 * matrixWeights(model.weights()));
                row.put("prefill_tokens_per_s", prefill);
                row.put("prefill_limit_tokens_per_s", prefillLimit);
                row.put("prefill_vs_limit", prefill / prefillLimit);
            }
        }
        return row;
    }

    /** Reads the file once so its pages are in memory: the load measured is the host tier's, a copy. */
    private static void touch(Path file) throws Exception {
        byte[] buffer = new byte[1 << 24];
        try (InputStream in = Files.newInputStream(file)) {
            while (in.read(buffer) > 0) {
                // reading is the point
            }
        }
    }

    /** {@code batch} sequences decoding together: tokens per second over timed steps, after a prompt and warm-up steps. */
    private static double decodeTokensPerSecond(CudaBackend gpu, int batch) {
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Sequence> sequences = new ArrayList<>();
            List<BatchEntry> prompt = new ArrayList<>();
            for (int s = 0; s < batch; s++) {
                Sequence sequence = gpu.kvCache().newSequence();
                sequences.add(sequence);
                int[] tokens = new int[PROMPT_TOKENS];
                for (int t = 0; t < tokens.length; t++) tokens[t] = 1 + (s * 31 + t * 7) % 1000;
                prompt.add(BatchEntry.lastLogits(sequence, tokens));
            }
            gpu.forward(prompt);
            for (int step = 0; step < 4; step++) gpu.forward(decodeStep(sequences, step));
            long start = System.nanoTime();
            for (int step = 0; step < DECODE_STEPS; step++) gpu.forward(decodeStep(sequences, step));
            rates.add((double) batch * DECODE_STEPS / ((System.nanoTime() - start) / 1e9));
            for (Sequence s : sequences) gpu.kvCache().release(s);
        }
        return median(rates);
    }

    private static List<BatchEntry> decodeStep(List<Sequence> sequences, int step) {
        List<BatchEntry> entries = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) entries.add(BatchEntry.lastLogits(sequences.get(s), 1 + (s + step * 13) % 1000));
        return entries;
    }

    private static double prefillTokensPerSecond(CudaBackend gpu) {
        List<Double> rates = new ArrayList<>();
        int[] prompt = new int[PREFILL_TOKENS];
        for (int round = 0; round <= ROUNDS; round++) {
            for (int t = 0; t < prompt.length; t++) prompt[t] = 1 + (t * 17 + round) % 1000; // a new prompt each round: no cached blocks
            Sequence s = gpu.kvCache().newSequence();
            long start = System.nanoTime();
            gpu.forward(List.of(BatchEntry.lastLogits(s, prompt)));
            if (round > 0) rates.add(PREFILL_TOKENS / ((System.nanoTime() - start) / 1e9)); // round 0 warms up
            gpu.kvCache().release(s);
        }
        return median(rates);
    }

    /** Weights that multiply each token: every matrix of every layer and the output (2 FLOPs each). */
    private static long matrixWeights(Weights w) {
        long n = w.output().rows() * w.output().columns();
        for (LayerWeights l : w.layers()) {
            for (var m : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) n += m.rows() * m.columns();
        }
        return n;
    }

    /** Dense fp16 tensor-core peak from NVIDIA's datasheets (no sparsity); NaN for a device not listed. */
    private static double datasheetFp16Tflops(String name) {
        if (name.contains("H200") || name.contains("H100 80GB HBM3") || name.contains("H100 SXM")) return 989;
        if (name.contains("H100")) return 756; // PCIe and NVL parts
        if (name.contains("A100")) return 312;
        if (name.contains("L40S")) return 362;
        return Double.NaN;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf("%s (sm_%s): device memory %.0f GB/s, host→device %.1f GB/s (measured); fp16 tensor cores %.0f TFLOP/s (datasheet)%n%n",
                r.get("device"), r.get("compute_capability"), r.get("device_memory_GBps"), r.get("host_to_device_GBps"),
                r.get("tensor_core_fp16_dense_TFLOPs_datasheet"));
        System.out.println("| model | load ms (limit) | decode 1 tok/s (limit) | 8 | 32 | 64 (× batch 1) | prefill tok/s (limit) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("models")) {
            Map<String, Double> d = (Map<String, Double>) m.get("decode_tokens_per_s");
            System.out.printf("| %s | %.0f (%.0f) | %.0f (%.0f, %.0f%%) | %.0f | %.0f | %.0f (%.1f×) | %.0f (%.0f) |%n", m.get("model"),
                    m.get("load_ms"), m.get("load_limit_ms"), d.get("1"), m.get("decode_limit_tokens_per_s"),
                    100 * (double) m.get("decode_1_vs_limit"), d.get("8"), d.get("32"), d.get("64"), m.get("decode_64_vs_1"),
                    m.get("prefill_tokens_per_s"), m.get("prefill_limit_tokens_per_s"));
        }
        System.out.println("\ntargets: load ≤ 1.5× limit; decode at batch 1 ≥ 70% of limit; 64 sequences ≥ 15× batch 1");
    }
}
