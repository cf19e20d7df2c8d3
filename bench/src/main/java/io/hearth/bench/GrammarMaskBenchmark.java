package io.hearth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.GrammarMatcher;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.grammar.JsonSchemaGrammar;
import io.hearth.engine.sample.Sampler;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The grammar's cost per decoding step on Qwen2's vocabulary (151,936 tokens), for one sequence walking a nested
 * JSON document token by token: the mask alone (logits copy included, as a step gets fresh logits), a whole
 * constrained step (mask, greedy pick, follow the token) beside the unconstrained step (greedy pick) in the same run,
 * and the first pass of a grammar nobody has used yet (every state's mask computed, none cached).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GrammarMaskBenchmark {
    /** A nested schema: objects in objects, an array of objects with bounds, enums, a pattern, integers with bounds. */
    static final String SCHEMA = """
            {"type":"object","properties":{
              "order":{"type":"object","properties":{
                "id":{"type":"string","pattern":"^[A-Z]{2}-[0-9]{4}$"},
                "customer":{"type":"object","properties":{"name":{"type":"string","maxLength":40},"email":{"type":"string","format":"email"}},"required":["name","email"]},
                "items":{"type":"array","minItems":1,"maxItems":5,"items":{"type":"object","properties":{
                  "sku":{"type":"string"},"quantity":{"type":"integer","minimum":1,"maximum":99},"size":{"enum":["S","M","L"]}},"required":["sku","quantity"]}}},
                "required":["id","customer","items"]},
              "status":{"enum":["new","paid","shipped"]},"notes":{"type":["string","null"]}},
             "required":["order","status"]}""";
    static final String DOCUMENT = "{\"order\": {\"id\": \"AB-1234\", \"customer\": {\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\"}, "
            + "\"items\": [{\"sku\": \"tea-pot-7\", \"quantity\": 2, \"size\": \"M\"}, {\"sku\": \"cup\", \"quantity\": 12}]}, "
            + "\"status\": \"paid\", \"notes\": \"leave at the door, please\"}";

    @Param({"../shared/conformance/models/tiny-qwen2-f32.gguf"})
    public String vocabulary;

    private Tokenizer tokenizer;
    private JsonNode schema;
    private Grammar grammar;
    private int[] document;
    private float[] fresh;
    private float[] logits;
    private Sampler greedy;
    private GrammarMatcher matcher;
    private int step;

    @Setup(Level.Trial)
    public void load() throws Exception {
        try (GgufFile file = GgufFile.open(Path.of(vocabulary))) {
            tokenizer = Tokenizer.from(file);
        }
        schema = new ObjectMapper().readTree(SCHEMA);
        grammar = Grammars.jsonSchema(schema);
        document = tokenizer.encode(DOCUMENT, false, false);
        fresh = new float[tokenizer.vocabulary().size()];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < fresh.length; i++) fresh[i] = (float) random.nextGaussian();
        logits = new float[fresh.length];
        greedy = new Sampler(SamplingParams.greedy(1));
        matcher = new GrammarMatcher(grammar, tokenizer);
    }

    /** The document's next token: the walk starts over (a new sequence, same grammar) at its end. */
    private int next() {
        if (step == document.length) {
            step = 0;
            matcher = new GrammarMatcher(grammar, tokenizer);
        }
        return document[step++];
    }

    @Benchmark
    public boolean mask() {
        int token = next();
        System.arraycopy(fresh, 0, logits, 0, fresh.length);
        boolean any = matcher.mask(logits);
        matcher.accept(token);
        return any;
    }

    @Benchmark
    public int constrainedStep() {
        int token = next();
        System.arraycopy(fresh, 0, logits, 0, fresh.length);
        matcher.mask(logits);
        int picked = greedy.sample(logits, document, 0);
        matcher.accept(token);
        return picked;
    }

    @Benchmark
    public int unconstrainedStep() {
        next();
        System.arraycopy(fresh, 0, logits, 0, fresh.length);
        return greedy.sample(logits, document, 0);
    }

    /** A grammar compiled anew, its whole document walked: every mask computed for the first time. Per step. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OperationsPerInvocation(64)
    public int firstUseOfAGrammar() {
        GrammarMatcher cold = new GrammarMatcher(JsonSchemaGrammar.compile(schema), tokenizer);
        int n = Math.min(64, document.length);
        for (int i = 0; i < n; i++) {
            System.arraycopy(fresh, 0, logits, 0, fresh.length);
            cold.mask(logits);
            cold.accept(document[i]);
        }
        return n;
    }
}
