package io.hearth.engine.cli;

import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.compute.MemoryBandwidth;
import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prompt processing (the whole prompt in one batch) and generation (one token per step) in tokens/s, like
 * llama-bench's pp and tg, next to the machine's read bandwidth measured in the same run and the generation limit
 * it implies (bandwidth ÷ weight bytes read per token).
 */
@Command(name = "bench", description = "Measure prompt-processing and generation tokens/s against the memory-bandwidth limit.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--prompt-tokens", description = "default: 128")
    int promptTokens = 128;

    @Option(names = "--gen-tokens", description = "default: 64")
    int genTokens = 64;

    @Option(names = "--repetitions", description = "runs; the best is reported (default: 2)")
    int repetitions = 2;

    @Override
    public Integer call() {
        if (promptTokens < 1 || genTokens < 1 || repetitions < 1) {
            throw new IllegalArgumentException("--prompt-tokens, --gen-tokens and --repetitions must be at least 1");
        }
        options.context = Math.max(options.context, promptTokens + genTokens + 16);
        try (Model model = options.load(); CpuBackend backend = options.backend(model)) {
            double bandwidth;
            try (WorkerPool pool = new WorkerPool(options.threads)) {
                bandwidth = MemoryBandwidth.measureGBps(pool);
            }
            int vocab = model.config().vocabSize();
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < promptTokens; i++) prompt[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
            run(backend, java.util.Arrays.copyOf(prompt, Math.min(16, promptTokens)), 4); // warm-up: JIT and page cache
            double bestPp = 0, bestTg = 0;
            for (int r = 0; r < repetitions; r++) {
                double[] rates = run(backend, prompt, genTokens);
                bestPp = Math.max(bestPp, rates[0]);
                bestTg = Math.max(bestTg, rates[1]);
            }
            long bytesPerToken = model.weights().bytesPerToken();
            double limit = bandwidth * 1e9 / bytesPerToken;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.name());
            out.put("file_bytes", model.file().fileSize());
            out.put("threads", backend.threads());
            out.put("kv_type", options.kvType);
            out.put("prompt_tokens", promptTokens);
            out.put("gen_tokens", genTokens);
            out.put("pp_tok_s", bestPp);
            out.put("tg_tok_s", bestTg);
            out.put("bytes_per_token", bytesPerToken);
            out.put("bandwidth_gb_s", bandwidth);
            out.put("tg_limit_tok_s", limit);
            out.put("tg_fraction_of_limit", bestTg / limit);
            out.put("kernels", io.hearth.engine.compute.MatMul.kernels());
            if (options.json) {
                Output.json(out);
            } else {
                System.out.printf("%-40s %8s %10s %10s %12s %14s%n", "model", "threads", "pp tok/s", "tg tok/s", "read GB/s", "tg limit tok/s");
                System.out.printf("%-40s %8d %10.1f %10.2f %12.1f %14.2f  (tg at %.0f%% of limit)%n", model.name(), backend.threads(),
                        bestPp, bestTg, bandwidth, limit, 100 * bestTg / limit);
            }
        }
        return 0;
    }

    /** Returns {prompt tok/s, generation tok/s} for one fresh sequence. */
    private static double[] run(CpuBackend backend, int[] prompt, int genTokens) {
        Sequence sequence = backend.kvCache().newSequence();
        try {
            long start = System.nanoTime();
            backend.forward(List.of(BatchEntry.lastLogits(sequence, prompt)));
            long prefilled = System.nanoTime();
            for (int i = 0; i < genTokens; i++) backend.forward(List.of(BatchEntry.lastLogits(sequence, prompt[i % prompt.length])));
            long end = System.nanoTime();
            return new double[]{prompt.length / ((prefilled - start) / 1e9), genTokens / ((end - prefilled) / 1e9)};
        } finally {
            backend.kvCache().release(sequence);
        }
    }
}
