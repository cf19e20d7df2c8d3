package io.hearth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.WarmModelPool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Constrained against unconstrained decoding through the pool's continuous batching, at 1 and 16 concurrent
 * sequences: each sequence generates {@link #TOKENS} tokens at temperature 1, free or held to a JSON Schema whose
 * answer is longer than that (so both run to max_tokens and generate the same number of tokens). The cases alternate,
 * {@link #ROUNDS} rounds, and the table shows each case's median tokens/s and the constrained/unconstrained ratio.
 * Usage: {@code ConstrainedDecodeBenchmark <model.gguf> <threads> <results.json>}; bench/run-grammar.sh runs it.
 */
public final class ConstrainedDecodeBenchmark {
    private static final String ID = "bench";
    static final int TOKENS = 32, ROUNDS = 3;
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"news\",\"story\",\"note\"]},\"maxItems\":3},"
            + "\"body\":{\"type\":\"string\",\"minLength\":600}},\"required\":[\"title\",\"tags\",\"body\"]}";

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Grammar grammar = Grammars.jsonSchema(new ObjectMapper().readTree(SCHEMA));
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofHours(1), true, 16, 64);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec(ID, model, threads, 16 * 128, policy)), PoolEvents.NONE).awaitPreloaded();
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            run(pool, clients, 2, null); // warm the compiler (and the grammar's first masks) before anything is timed
            run(pool, clients, 2, grammar);
            for (int round = 0; round < ROUNDS; round++) {
                for (int concurrency : new int[]{1, 16}) {
                    for (Grammar g : new Grammar[]{null, grammar}) {
                        rates.computeIfAbsent(key(concurrency, g), k -> new ArrayList<>()).add(run(pool, clients, concurrency, g));
                    }
                }
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int concurrency : new int[]{1, 16}) {
            double free = median(rates.get(key(concurrency, null))), held = median(rates.get(key(concurrency, grammar)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("concurrency", concurrency);
            row.put("unconstrained_tokens_per_s", free);
            row.put("constrained_tokens_per_s", held);
            row.put("ratio", held / free);
            row.put("target_ratio", 0.9);
            row.put("runs_unconstrained", rates.get(key(concurrency, null)));
            row.put("runs_constrained", rates.get(key(concurrency, grammar)));
            rows.add(row);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", model.getFileName().toString());
        results.put("threads", threads);
        results.put("tokens_per_sequence", TOKENS);
        results.put("schema", SCHEMA);
        results.put("rows", rows);
        System.out.println("| sequences | unconstrained tok/s | constrained tok/s | ratio | target |");
        System.out.println("|---|---|---|---|---|");
        for (Map<String, Object> r : rows) {
            System.out.printf("| %d | %.2f | %.2f | %.2fx | >= 0.9x |%n", r.get("concurrency"), r.get("unconstrained_tokens_per_s"),
                    r.get("constrained_tokens_per_s"), r.get("ratio"));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
    }

    private static String key(int concurrency, Grammar grammar) {
        return concurrency + (grammar == null ? "-free" : "-held");
    }

    /** {@code concurrency} sequences at once, each to {@link #TOKENS} tokens: generated tokens over the wall time. */
    private static double run(WarmModelPool pool, ExecutorService clients, int concurrency, Grammar grammar) throws Exception {
        long start = System.nanoTime();
        List<Future<Completion>> calls = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int seed = i;
            SamplingParams params = new SamplingParams(1f, 0, 1f, 0f, 1f, 64, seed, TOKENS, List.of(), grammar);
            ModelRequest request = ModelRequest.chat(List.of(new ChatMessage("user", "Write note number " + i + " as JSON.")), params)
                    .withCacheSalt("bench-" + System.nanoTime() + "-" + i);
            calls.add(clients.submit(() -> pool.generate(ID, request, (t, s) -> { })));
        }
        long tokens = 0;
        for (Future<Completion> c : calls) {
            Completion done = c.get();
            if (done.generation().tokens().length != TOKENS) {
                throw new IllegalStateException("a sequence ended after " + done.generation().tokens().length + " tokens: " + done.generation().text());
            }
            tokens += done.generation().tokens().length;
        }
        return tokens / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
