package io.hearth.engine.model;

import io.hearth.cpu.CpuKernels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.Conformance;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.sample.Sampler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine against llama.cpp on the same GGUF files (see ../shared/conformance/README.md).
 *
 * <p>The engine computes in float32 on dequantized weights, so it is held tightly to the references llama.cpp made
 * from the dequantized-F32 twin of each quantized or F16 model ({@code *.dequant-f32.ref.json}) and to the plain
 * references of the F32 models: every logit of the reference top-20 at every teacher-forced step within
 * {@value #TIGHT} absolute (measured: at most 1.7e-5; logits are 10–40 in size and a float32 sum over 64–768 products in another order differs by
 * ~1e-5 relative, and llama.cpp's own F16-KV run moves logits by far more). Against llama.cpp's own output for
 * quantized models, which rounds activations to 8 bits first, only the bound the conformance README measured
 * between the two references applies ({@value #LOOSE}).
 *
 * <p>Where the C kernels run Q8_0 and Q4_0 products ({@link CpuKernels}), those models round activations to 8 bits as
 * llama.cpp does, so they are held to llama.cpp's own output instead, within {@value #QUANTIZED}: measured 0.12 (Q8_0)
 * and 0.16 (Q4_0, whose Q6_K output matrix still takes float activations here) where the float path is 0.18 and 0.19
 * from it. Greedy tokens are not compared there: on random weights two ways of rounding part ways after 8 to 30 steps,
 * as llama.cpp's own F16-KV run does (the conformance README). Their float path against the dequantized references,
 * greedy tokens included, runs in the build's java-path execution ({@code -Dhearth.engine.native=off}).
 */
class ModelConformanceTest {
    static final double TIGHT = 1e-4;
    static final double LOOSE = 0.5;
    /** The kernels against llama.cpp's quantized-activation output: the same rounding, applied in another order of sums. */
    static final double QUANTIZED = 0.2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
            "stories260K, stories260K, " + TIGHT,
            "tiny-llama-spm-f32, tiny-llama-spm-f32, " + TIGHT,
            "tiny-qwen2-f32, tiny-qwen2-f32, " + TIGHT,
            "tiny-llama3-bpe-f16, tiny-llama3-bpe-f16.dequant-f32, " + TIGHT,
            "tiny-llama-spm-256-q8_0, tiny-llama-spm-256-q8_0.dequant-f32, " + TIGHT,
            "tiny-llama-spm-256-q4_0, tiny-llama-spm-256-q4_0.dequant-f32, " + TIGHT,
            "tiny-llama-spm-256-q4_k_m, tiny-llama-spm-256-q4_k_m.dequant-f32, " + TIGHT,
            "tiny-llama3-bpe-f16, tiny-llama3-bpe-f16, " + LOOSE,
            "tiny-llama-spm-256-q8_0, tiny-llama-spm-256-q8_0, " + LOOSE,
            "tiny-llama-spm-256-q4_0, tiny-llama-spm-256-q4_0, " + LOOSE,
            "tiny-llama-spm-256-q4_k_m, tiny-llama-spm-256-q4_k_m, " + LOOSE,
            "tiny-llama-spm-256-q8_0, tiny-llama-spm-256-q8_0, " + QUANTIZED,
            "tiny-llama-spm-256-q4_0, tiny-llama-spm-256-q4_0, " + QUANTIZED,
    })
    void matchesLlamaCpp(String model, String reference, double tolerance) throws IOException {
        boolean quantizedActivations = CpuKernels.get().available() && (model.endsWith("q8_0") || model.endsWith("q4_0"));
        if (tolerance == QUANTIZED) assumeTrue(quantizedActivations, "no C kernels here: " + model + " runs on float activations");
        if (tolerance == TIGHT) {
            assumeFalse(quantizedActivations, model + " runs on the C kernels here; its float path is checked with -Dhearth.engine.native=off");
        }
        Path dir = Conformance.dir();
        JsonNode ref = JSON.readTree(dir.resolve("ref/" + reference + ".ref.json").toFile());
        try (Model m = Model.load(dir.resolve("models/" + model + ".gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 2048))) {
            List<String> problems = new ArrayList<>();
            double worst = 0;
            for (JsonNode prompt : ref.get("prompts")) {
                int[] expectedTokens = ints(prompt.get("tokens"));
                int[] tokens = m.tokenizer().encode(prompt.get("prompt").asText(), true, true);
                assertArrayEquals(expectedTokens, tokens, "tokens of " + prompt.get("prompt"));
                worst = Math.max(worst, teacherForce(backend, tokens, prompt.get("greedy"), tolerance, problems));
                if (tolerance == TIGHT) checkGreedy(backend, m, tokens, prompt.get("greedy"), problems);
            }
            worst = Math.max(worst, fixedSequence(backend, ref.get("fixed_sequence"), tolerance, problems,
                    dir.resolve("ref/" + reference + ".fixed.logits.f32")));
            System.out.printf("%s vs %s: largest logit difference %.2e (tolerance %.1e)%n", model, reference, worst, tolerance);
            assertEquals(List.of(), problems.stream().limit(10).toList(), problems.size() + " problems");
        }
    }

    /** Feeds the prompt then each reference token; compares the reference top-20 at every step. */
    private static double teacherForce(CpuBackend backend, int[] prompt, JsonNode greedy, double tolerance, List<String> problems) {
        Sequence seq = backend.kvCache().newSequence();
        try {
            float[] logits = backend.forward(List.of(BatchEntry.lastLogits(seq, prompt))).getFirst();
            double worst = 0;
            JsonNode steps = greedy.get("steps");
            for (int k = 0; k < steps.size(); k++) {
                JsonNode step = steps.get(k);
                worst = Math.max(worst, compareTop(logits, step.get("top"), tolerance, "step " + k, problems));
                if (k + 1 < steps.size()) {
                    logits = backend.forward(List.of(BatchEntry.lastLogits(seq, step.get("token").asInt()))).getFirst();
                }
            }
            return worst;
        } finally {
            backend.kvCache().release(seq);
        }
    }

    /** Free-running greedy must give the reference tokens until a step whose top-1/top-2 margin is within our error. */
    private static void checkGreedy(CpuBackend backend, Model model, int[] prompt, JsonNode greedy, List<String> problems) {
        Sequence seq = backend.kvCache().newSequence();
        try {
            float[] logits = backend.forward(List.of(BatchEntry.lastLogits(seq, prompt))).getFirst();
            JsonNode steps = greedy.get("steps");
            for (int k = 0; k < steps.size(); k++) {
                int expected = steps.get(k).get("token").asInt();
                int got = Sampler.argmax(logits);
                if (got != expected) {
                    if (steps.get(k).get("margin_top1_top2").asDouble() > 2 * TIGHT) {
                        problems.add("greedy step " + k + ": expected token " + expected + ", got " + got);
                    }
                    return;
                }
                if (model.tokenizer().vocabulary().isEndOfGeneration(got)) return;
                logits = backend.forward(List.of(BatchEntry.lastLogits(seq, got))).getFirst();
            }
        } finally {
            backend.kvCache().release(seq);
        }
    }

    /** 16 fixed ids in one batch with logits at every position; all n_vocab logits of the last position. */
    private static double fixedSequence(CpuBackend backend, JsonNode fixed, double tolerance, List<String> problems,
                                        Path allLogitsFile) throws IOException {
        int[] tokens = ints(fixed.get("tokens"));
        int vocab = fixed.get("n_vocab").asInt();
        Sequence seq = backend.kvCache().newSequence();
        try {
            float[] logits = backend.forward(List.of(BatchEntry.allLogits(seq, tokens))).getFirst();
            double worst = 0;
            JsonNode positions = fixed.get("positions");
            for (int p = 0; p < positions.size(); p++) {
                float[] row = java.util.Arrays.copyOfRange(logits, p * vocab, (p + 1) * vocab);
                worst = Math.max(worst, compareTop(row, positions.get(p).get("top"), tolerance, "fixed position " + p, problems));
            }
            ByteBuffer expected = ByteBuffer.wrap(Files.readAllBytes(allLogitsFile)).order(ByteOrder.LITTLE_ENDIAN);
            int last = (tokens.length - 1) * vocab;
            for (int i = 0; i < vocab; i++) {
                double diff = Math.abs(expected.getFloat(4 * i) - logits[last + i]);
                worst = Math.max(worst, diff);
                if (diff > tolerance) {
                    problems.add("fixed sequence, last position, logit " + i + " differs by " + diff);
                    break;
                }
            }
            return worst;
        } finally {
            backend.kvCache().release(seq);
        }
    }

    private static double compareTop(float[] logits, JsonNode top, double tolerance, String where, List<String> problems) {
        double worst = 0;
        for (JsonNode entry : top) {
            int id = entry.get(0).asInt();
            double diff = Math.abs(logits[id] - entry.get(1).asDouble());
            worst = Math.max(worst, diff);
            if (diff > tolerance) {
                problems.add(where + ": logit of token " + id + " is " + logits[id] + ", llama.cpp " + entry.get(1).asDouble());
                return worst;
            }
        }
        double margin = top.get(0).get(1).asDouble() - top.get(1).get(1).asDouble();
        if (margin > 2 * tolerance) {
            assertTrue(Sampler.argmax(logits) == top.get(0).get(0).asInt(), where + ": top-1 differs with margin " + margin);
        }
        return worst;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
