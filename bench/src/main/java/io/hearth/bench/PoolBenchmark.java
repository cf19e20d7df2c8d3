package io.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hearth.engine.compute.MemoryBandwidth;
import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.WarmModelPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pool's two figures, each beside its physical limit measured in the same run:
 * <ol>
 *   <li>time to first token from a warm replica, a host-tier cold start (weights in the page cache) and a disk cold
 *       start (page cache dropped); a cold start's cost is its TTFT minus the warm TTFT (the load, the self-check and
 *       the replica's start), set beside bytes ÷ memory read bandwidth and bytes ÷ disk read bandwidth. A first call
 *       warms the JIT before anything is timed, so no case pays for compiling the kernels;</li>
 *   <li>generated tokens/s summed over 1, 4 and 16 concurrent clients on one replica (continuous batching). Each
 *       client sends a one-line request of 11–12 tokens ({@link #prompt}; a Llama tokenizer splits it into as many
 *       pieces as the generated model's vocabulary does) and takes a short answer (32 tokens) or a longer one (128),
 *       {@link #ANSWER_TOKENS}. Prompt tokens are prefilled at the compute-bound rate whether one client or sixteen
 *       send them, so they dilute the batching gain most for short answers: the table prints them beside the
 *       generated tokens. Prompts are shorter than one KV block, so no run is served from the prefix cache (the
 *       cached column shows it).</li>
 * </ol>
 * Every case runs {@link #ROUNDS} times, interleaved with the others, and reports its median.
 * Usage: {@code PoolBenchmark <model.gguf> <threads> <results.json>}; bench/run-pool.sh runs it.
 */
public final class PoolBenchmark {
    private static final String ID = "bench";
    /** Tokens each client asks for: a short answer, and a longer one in which prefill weighs less. */
    private static final int[] ANSWER_TOKENS = {32, 128};
    /** Repetitions of every case, interleaved; the tables show medians. */
    private static final int ROUNDS = 5;
    /**
     * The most sequences one step carried since the last reset, and the tokens the steps reported: a throughput row
     * shows the former, so a run in which the clients did not all share steps (the KV cache too small for them, say)
     * shows as such instead of as a low rate.
     */
    private static final AtomicInteger largestBatch = new AtomicInteger();
    private static final AtomicLong stepTokens = new AtomicLong();
    private static final PoolEvents STEPS = new PoolEvents() {
        @Override
        public void step(String model, int batchSize, int generatedTokens) {
            largestBatch.accumulateAndGet(batchSize, Math::max);
            stepTokens.addAndGet(generatedTokens);
        }
    };

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        long bytes = Files.size(model);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", model.getFileName().toString());
        results.put("file_bytes", bytes);
        results.put("threads", threads);
        results.put("cpu", cpuName());

        PoolPolicy policy = new PoolPolicy(0, 1, Duration.ofHours(1), false, 16, 64);
        // KV for all 16 clients at once: each reserves its prompt and answer, 12 + 128 tokens = 9 blocks of 16
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec(ID, model, threads, 16 * 160, policy)), STEPS);
             WorkerPool workers = new WorkerPool(threads)) {
            double memoryGBps = MemoryBandwidth.measureGBps(workers);
            pool.evict(ID);
            double diskGBps = readGBps(model);
            results.put("memory_read_GBps", memoryGBps);
            results.put("disk_read_GBps", diskGBps);

            for (int i = 0; i < 3; i++) ttft(pool, "JIT warm-up");
            // Each case several times, interleaved, and its median: this machine's speed drifts by a third within
            // a minute, and one sample of each case made the cold-start figures swing by ±100 ms.
            List<Map<String, Object>> warms = new ArrayList<>(), hosts = new ArrayList<>(), disks = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                warms.add(ttft(pool, "warm replica"));
                disks.add(diskColdStart(pool));
                pool.drain(ID);
                awaitUnloaded(pool);
                hosts.add(ttft(pool, "host-tier cold start"));
            }
            Map<String, Object> warm = median(warms, "ttft_ms"), host = median(hosts, "ttft_ms"), disk = median(disks, "ttft_ms");
            double hostLimit = bytes / (memoryGBps * 1e9) * 1e3, diskLimit = bytes / (diskGBps * 1e9) * 1e3;
            double warmTtft = (double) warm.get("ttft_ms");
            host.put("cold_start_ms", (double) host.get("ttft_ms") - warmTtft);
            host.put("limit_ms", hostLimit);
            host.put("target_ms", 1.5 * hostLimit + 200);
            disk.put("cold_start_ms", (double) disk.get("ttft_ms") - warmTtft);
            disk.put("limit_ms", diskLimit);
            disk.put("target_ms", 1.5 * diskLimit);
            results.put("ttft", List.of(warm, host, disk));

            List<Map<String, Object>> throughput = new ArrayList<>();
            for (int answer : ANSWER_TOKENS) throughput.addAll(clientCounts(pool, answer));
            results.put("throughput", throughput);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        print(results);
    }

    /** One request of one token: the time a client waits for its first token, cold start included. */
    private static Map<String, Object> ttft(WarmModelPool pool, String label) {
        long start = System.nanoTime();
        long[] first = {0};
        Completion c = pool.generate(ID, ModelRequest.text("Once upon a time", SamplingParams.greedy(1)),
                (token, text) -> { if (first[0] == 0) first[0] = System.nanoTime(); });
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", label);
        row.put("tier", c.coldStart() == null ? "none" : c.coldStart().tier().apiName());
        row.put("load_ms", c.coldStart() == null ? 0.0 : c.coldStart().loadNanos() / 1e6);
        row.put("ttft_ms", ((first[0] == 0 ? System.nanoTime() : first[0]) - start) / 1e6);
        return row;
    }

    /**
     * A cold start after an eviction. A replica's unload and the page-cache drop finish a moment after the replica
     * leaves the list, so a request sent at once can still find the pages in memory; such a run is repeated rather
     * than reported as a disk cold start (the tier comes from the load itself).
     */
    private static Map<String, Object> diskColdStart(WarmModelPool pool) throws InterruptedException {
        Map<String, Object> row = null;
        for (int attempt = 0; attempt < 3 && (row == null || !"disk".equals(row.get("tier"))); attempt++) {
            pool.evict(ID);
            awaitUnloaded(pool);
            row = ttft(pool, "disk cold start");
        }
        return row;
    }

    /** 1, 4 and 16 clients, each asking for {@code answer} tokens, interleaved round by round; medians. */
    private static List<Map<String, Object>> clientCounts(WarmModelPool pool, int answer) throws Exception {
        int[] clientCounts = {1, 4, 16};
        List<List<Map<String, Object>>> runs = new ArrayList<>();
        for (int ignored : clientCounts) runs.add(new ArrayList<>());
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < clientCounts.length; i++) runs.get(i).add(throughput(pool, clientCounts[i], answer));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (List<Map<String, Object>> run : runs) rows.add(median(run, "tokens_per_s"));
        double solo = (double) rows.getFirst().get("tokens_per_s");
        for (Map<String, Object> row : rows) row.put("vs_1_client", (double) row.get("tokens_per_s") / solo);
        return rows;
    }

    private static Map<String, Object> throughput(WarmModelPool pool, int clients, int answer) throws Exception {
        largestBatch.set(0);
        stepTokens.set(0);
        long start = System.nanoTime();
        long tokens = 0, promptTokens = 0, cachedTokens = 0;
        try (ExecutorService runners = Executors.newFixedThreadPool(clients)) {
            List<Future<GenerationResult>> calls = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                ModelRequest request = ModelRequest.text(prompt(i), SamplingParams.greedy(answer));
                calls.add(runners.submit(() -> pool.generate(ID, request, (t, s) -> { }).generation()));
            }
            for (Future<GenerationResult> call : calls) {
                GenerationResult result = call.get();
                tokens += result.tokens().length;
                promptTokens += result.promptTokens();
                cachedTokens += result.cachedTokens();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clients", clients);
        row.put("tokens_per_client", answer);
        row.put("prompt_tokens", promptTokens);
        row.put("cached_prompt_tokens", cachedTokens);
        row.put("tokens", tokens);
        row.put("seconds", seconds);
        row.put("tokens_per_s", tokens / seconds);
        // a step is reported just after its tokens reach the callers: wait for the last one before reading the batch
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (stepTokens.get() < tokens && System.nanoTime() < deadline) Thread.sleep(1);
        row.put("largest_batch", largestBatch.get());
        return row;
    }

    /**
     * Client {@code i}'s request: a one-line ask of 11 tokens (12 from client 10 on). The words are in the generated
     * model's vocabulary, so it splits them as a Llama tokenizer would; a sentence with words it lacks is spelled
     * out letter by letter and its prefill would weigh more than a real model's.
     */
    private static String prompt(int i) {
        return "please write a little story about the number " + i;
    }

    /** Sequential read of the whole file (its page cache just dropped): what the disk delivers. */
    private static double readGBps(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 << 20);
        long start = System.nanoTime(), total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = channel.read(buffer.clear())) > 0) total += n;
        }
        return total / ((System.nanoTime() - start) / 1e9) / 1e9;
    }

    /** The run whose {@code key} is the median of the runs (of an odd count), with every run's value beside it. */
    private static Map<String, Object> median(List<Map<String, Object>> runs, String key) {
        List<Map<String, Object>> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(r -> (double) r.get(key)));
        Map<String, Object> median = new LinkedHashMap<>(sorted.get(sorted.size() / 2));
        median.put(key + "_runs", runs.stream().map(r -> r.get(key)).toList());
        return median;
    }

    private static void awaitUnloaded(WarmModelPool pool) throws InterruptedException {
        while (!pool.pool(ID).replicas().isEmpty()) Thread.sleep(50);
    }

    private static String cpuName() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf("Pool benchmark: %s (%.2f GB), %s threads, %s%n", r.get("model"), (long) r.get("file_bytes") / 1e9, r.get("threads"), r.get("cpu"));
        System.out.printf("measured limits: memory read %.1f GB/s, disk read %.2f GB/s%n", r.get("memory_read_GBps"), r.get("disk_read_GBps"));
        System.out.printf("each figure is the median of %d interleaved runs (all runs are in the JSON)%n%n", ROUNDS);
        System.out.println("| case | tier | load ms | TTFT ms | cold start ms (TTFT - warm TTFT) | physical limit ms | target ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("ttft")) {
            System.out.printf("| %s | %s | %.0f | %.0f | %s | %s | %s |%n", row.get("case"), row.get("tier"), row.get("load_ms"), row.get("ttft_ms"),
                    row.containsKey("cold_start_ms") ? String.format("%.0f", row.get("cold_start_ms")) : "-",
                    row.containsKey("limit_ms") ? String.format("%.0f", row.get("limit_ms")) : "-",
                    row.containsKey("target_ms") ? String.format("%.0f", row.get("target_ms")) : "-");
        }
        System.out.println();
        System.out.println("| answer tokens | clients | largest batch | prompt tokens (cached) | generated tokens | seconds | tokens/s | vs 1 client |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("throughput")) {
            System.out.printf("| %s | %s | %s | %s (%s) | %s | %.1f | %.1f | %.2fx |%n", row.get("tokens_per_client"), row.get("clients"),
                    row.get("largest_batch"), row.get("prompt_tokens"),
                    row.get("cached_prompt_tokens"), row.get("tokens"), row.get("seconds"),
                    row.get("tokens_per_s"), row.get("vs_1_client"));
        }
    }
}
