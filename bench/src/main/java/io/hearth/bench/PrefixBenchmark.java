package io.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.WarmModelPool;
import io.hearth.pool.prefix.BlockCacheConfig;
import io.hearth.pool.prefix.ClusterConnection;
import io.hearth.pool.prefix.ClusterMember;
import io.hearth.pool.prefix.ClusterSeal;
import io.hearth.pool.prefix.JCacheSharedTier;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time to first token for a 1,024-token shared prefix plus a 32-token suffix, three ways on two nodes (two pools,
 * each with its own Hazelcast member, on loopback): cold (nothing cached anywhere), a local-tier hit (the same node
 * computed the prefix before) and a shared-tier hit (the other node did). Each request asks for one token, so its
 * time is the prefill it could not skip plus the fetch of what it could. Beside them: bytes per KV block, the rate
 * the shared hit moved its blocks at ((shared − local) time over the bytes fetched) and loopback TCP bandwidth
 * measured in the same run.
 * Usage: {@code PrefixBenchmark <model.gguf> <threads> <results.json>}; bench/run-prefix.sh runs it.
 */
public final class PrefixBenchmark {
    private static final String ID = "bench";
    private static final int PREFIX_TOKENS = 1024, SUFFIX_TOKENS = 32;

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        String prefix, warmUp;
        List<String> suffixes;
        try (Model m = Model.load(model)) {
            prefix = textOf(m, "The platform keeps models warm and shares prompt prefixes across its servers. ", PREFIX_TOKENS);
            suffixes = List.of("Question one: ", "Question two: ", "Question three: ").stream()
                    .map(q -> textOf(m, q + "what happens to a request? ", SUFFIX_TOKENS)).toList();
            warmUp = textOf(m, "A short warm-up prompt for the compiler. ", 80);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", model.getFileName().toString());
        results.put("threads", threads);
        results.put("prefix_tokens", PREFIX_TOKENS);
        results.put("suffix_tokens", SUFFIX_TOKENS);

        BlockCacheConfig cache = new BlockCacheConfig(100_000, Duration.ofHours(1));
        String cluster = "hearth-bench-" + ProcessHandle.current().pid();
        ClusterSeal seal = ClusterSeal.random(); // both members are in this process: a secret nobody else needs to know
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofHours(1), true, 4, 8);
        List<ModelSpec> specs = List.of(new ModelSpec(ID, model, threads, 2048, policy));
        try (ClusterConnection memberA = new ClusterMember(cluster, 15901, List.of("127.0.0.1:15902"), cache, seal).start();
             ClusterConnection memberB = new ClusterMember(cluster, 15902, List.of("127.0.0.1:15901"), cache, seal).start();
             JCacheSharedTier tierA = new JCacheSharedTier(memberA, 4096);
             JCacheSharedTier tierB = new JCacheSharedTier(memberB, 4096);
             WarmModelPool nodeA = new WarmModelPool(specs, io.hearth.pool.PoolEvents.NONE, tierA).awaitPreloaded();
             WarmModelPool nodeB = new WarmModelPool(specs, io.hearth.pool.PoolEvents.NONE, tierB).awaitPreloaded()) {
            // compile the kernels on both nodes before anything is timed, with prompts that share nothing with the rest
            ask(nodeA, warmUp, "warm-up-a");
            ask(nodeB, warmUp, "warm-up-b");

            Timed cold = run(nodeA, prefix + suffixes.get(0));
            long waitUntil = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (tierA.published() < cold.completion().prefix().computedBlocks() && System.nanoTime() < waitUntil) Thread.sleep(50);
            Timed local = run(nodeA, prefix + suffixes.get(1));
            Timed shared = run(nodeB, prefix + suffixes.get(2));
            results.put("ttft", List.of(cold.row("cold (nothing cached)", null, cold.ms()),
                    local.row("local-tier hit (same node)", 0.15, cold.ms()), shared.row("shared-tier hit (other node)", 0.35, cold.ms())));

            long blockBytes = nodeA.prefixCache(ID).blockBytes();
            long fetched = (long) shared.completion().prefix().sharedBlocks() * blockBytes;
            double fetchMs = shared.ms() - local.ms();
            results.put("block_bytes", blockBytes);
            results.put("shared_bytes_fetched", fetched);
            results.put("shared_transfer_MBps", fetchMs > 0 ? fetched / 1e6 / (fetchMs / 1e3) : Double.NaN);
            results.put("loopback_MBps", loopbackMBps());
        }
        print(results);
        java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
    }

    /** {@code sentence} repeated and cut to exactly {@code tokens} tokens of the model's tokenizer (no BOS). */
    private static String textOf(Model m, String sentence, int tokens) {
        StringBuilder text = new StringBuilder();
        while (m.tokenizer().encode(text.toString(), false, false).length < tokens) text.append(sentence);
        int[] ids = java.util.Arrays.copyOf(m.tokenizer().encode(text.toString(), false, false), tokens);
        return m.tokenizer().decode(ids);
    }

    private static Completion ask(WarmModelPool node, String prompt, String salt) {
        return node.generate(ID, ModelRequest.text(prompt, SamplingParams.greedy(1)).withCacheSalt(salt), (t, s) -> { });
    }

    /** A one-token call and how long it took: its time to first token. */
    private record Timed(Completion completion, double ms) {
        /** The result row; a hit also gets its ratio to the cold time and the target for it. */
        Map<String, Object> row(String label, Double targetRatio, double coldMs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case", label);
            row.put("ttft_ms", ms);
            row.put("prompt_tokens", completion.generation().promptTokens());
            row.put("cached_tokens", completion.generation().cachedTokens());
            row.put("shared_tokens", completion.prefix().sharedTokens());
            if (targetRatio != null) {
                row.put("ratio_to_cold", ms / coldMs);
                row.put("target_ratio", targetRatio);
            }
            return row;
        }
    }

    private static Timed run(WarmModelPool node, String prompt) {
        long start = System.nanoTime();
        Completion c = node.generate(ID, ModelRequest.text(prompt, SamplingParams.greedy(1)), (t, s) -> { });
        return new Timed(c, (System.nanoTime() - start) / 1e6);
    }

    /** One TCP stream over loopback, 512 MiB in 1 MiB writes: the bound on what one Hazelcast connection can move. */
    private static double loopbackMBps() throws Exception {
        long total = 512L << 20;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] buffer = new byte[1 << 20];
                    while (in.read(buffer) >= 0) {
                        // drain
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); OutputStream o = s.getOutputStream()) {
                byte[] chunk = new byte[1 << 20];
                for (long sent = 0; sent < total; sent += chunk.length) o.write(chunk);
            }
            reader.join();
            return total / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r) {
        System.out.printf("Prefix cache: %s, %d threads, %d-token shared prefix + %d-token suffix, 1 token generated%n%n",
                r.get("model"), (int) r.get("threads"), PREFIX_TOKENS, SUFFIX_TOKENS);
        System.out.println("| case | TTFT ms | prompt tokens | from cache | of which shared | × cold | target |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map<String, Object> row : (List<Map<String, Object>>) r.get("ttft")) {
            System.out.printf("| %s | %.0f | %d | %d | %d | %s | %s |%n", row.get("case"), (double) row.get("ttft_ms"), (int) row.get("prompt_tokens"),
                    (int) row.get("cached_tokens"), (int) row.get("shared_tokens"),
                    row.containsKey("ratio_to_cold") ? String.format("%.3f", (double) row.get("ratio_to_cold")) : "1",
                    row.containsKey("target_ratio") ? "≤ " + row.get("target_ratio") : "");
        }
        System.out.printf("%nKV block: %d bytes (16 tokens); the shared hit fetched %.1f MB at %.0f MB/s; loopback TCP (one stream): %.0f MB/s%n",
                (long) r.get("block_bytes"), (long) r.get("shared_bytes_fetched") / 1e6, (double) r.get("shared_transfer_MBps"),
                (double) r.get("loopback_MBps"));
    }
}
