package io.hearth.engine.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.Conformance;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.generate.Decoding;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy log-probabilities are the log-softmax of the logits: checked against llama.cpp's own logits for the fixed
 * sequence (all of them, at its last position), for the token chosen and the top alternatives, within 1e-4.
 */
class LogprobConformanceTest {
    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "tiny-llama-spm-f32"})
    void greedyLogprobsAreTheLogSoftmaxOfLlamaCppsLogits(String name) throws Exception {
        Path dir = Conformance.dir();
        JsonNode fixed = new ObjectMapper().readTree(dir.resolve("ref/" + name + ".ref.json").toFile()).get("fixed_sequence");
        int vocab = fixed.get("n_vocab").asInt();
        int[] tokens = new ObjectMapper().convertValue(fixed.get("tokens"), int[].class);
        ByteBuffer reference = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("ref/" + name + ".fixed.logits.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] expectedLogits = new float[vocab];
        for (int i = 0; i < vocab; i++) expectedLogits[i] = reference.getFloat(4 * i);
        // log-softmax in double, written here apart from the code under test
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float l : expectedLogits) max = Math.max(max, l);
        for (float l : expectedLogits) sum += Math.exp(l - max);
        double logSum = max + Math.log(sum);
        double[] expected = new double[vocab];
        for (int i = 0; i < vocab; i++) expected[i] = expectedLogits[i] - logSum;
        Integer[] byLogit = new Integer[vocab];
        for (int i = 0; i < vocab; i++) byLogit[i] = i;
        java.util.Arrays.sort(byLogit, (a, b) -> Float.compare(expectedLogits[b], expectedLogits[a]));
        try (Model m = Model.load(dir.resolve("models/" + name + ".gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 2048))) {
            Sequence seq = backend.kvCache().newSequence();
            float[] logits = backend.forward(List.of(BatchEntry.lastLogits(seq, tokens))).getFirst();
            backend.kvCache().release(seq);
            Decoding decoding = new Decoding(m.tokenizer(), tokens, SamplingParams.greedy(1).withLogprobs(5));
            decoding.accept(logits, TokenListener.NONE);
            TokenLogprob chosen = decoding.logprobs().getFirst();
            assertEquals(expected[chosen.token()], chosen.logprob(), 1e-4, "the chosen token's log-probability");
            assertEquals(5, chosen.top().size());
            assertEquals(chosen.token(), chosen.top().getFirst().token(), "greedy: the chosen token is the most likely");
            for (int k = 0; k < 5; k++) {
                TokenLogprob.Alternative a = chosen.top().get(k);
                assertEquals(byLogit[k], a.token(), "alternative " + k + " is llama.cpp's " + k + "th most likely token");
                assertEquals(expected[a.token()], a.logprob(), 1e-4, "alternative " + a.token());
            }
        }
    }

    /**
     * An echoed prompt's log-probabilities, computed in its prefill: at every position, the alternatives are
     * llama.cpp's top tokens in its order, and differences of log-probabilities are its differences of logits (the
     * normalizer cancels); the first token, which nothing predicts, has none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "tiny-llama-spm-f32"})
    void promptLogprobsFollowLlamaCppsLogitsAtEveryPosition(String name) throws Exception {
        Path dir = Conformance.dir();
        JsonNode fixed = new ObjectMapper().readTree(dir.resolve("ref/" + name + ".ref.json").toFile()).get("fixed_sequence");
        int[] tokens = new ObjectMapper().convertValue(fixed.get("tokens"), int[].class);
        try (Model m = Model.load(dir.resolve("models/" + name + ".gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 2048))) {
            GenerationResult result = new Generator(backend).generate(tokens, SamplingParams.greedy(1).withLogprobs(5).withPromptLogprobs(), TokenListener.NONE);
            List<TokenLogprob> prompt = result.promptLogprobs();
            double total = 0;
            for (float l : TokenLogprob.logSoftmax(new float[]{1f, 2f, 3f, -1f}, 0f)) total += Math.exp(l);
            assertEquals(1.0, total, 1e-6, "log-probabilities of a distribution: they sum to one");
            assertEquals(tokens.length, prompt.size(), "one entry per prompt token");
            assertTrue(Float.isNaN(prompt.getFirst().logprob()), "nothing predicts the first token");
            for (int p = 0; p + 1 < tokens.length; p++) {
                JsonNode top = fixed.get("positions").get(p).get("top");
                TokenLogprob scored = prompt.get(p + 1);
                assertEquals(tokens[p + 1], scored.token());
                float best = (float) top.get(0).get(1).asDouble();
                for (int k = 0; k < 5; k++) {
                    assertEquals(top.get(k).get(0).asInt(), scored.top().get(k).token(), "position " + p + ", alternative " + k);
                    assertEquals(top.get(k).get(1).asDouble() - best, scored.top().get(k).logprob() - scored.top().getFirst().logprob(), 1e-4,
                            "position " + p + ", alternative " + k);
                }
                assertTrue(scored.logprob() <= scored.top().getFirst().logprob() + 1e-6);
            }
        }
    }
}
