package io.hearth.engine.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.Conformance;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooled embeddings agree with llama.cpp's {@code llama-embedding} ({@code ref/<model>.embeddings.json}: three
 * prompts, mean and last pooling, L2-normalized): cosine similarity at least 0.9999.
 * <p>
 * The reference ran with llama-embedding's defaults, an F16 KV cache and flash attention, whose CPU kernel rounds the
 * query to F16 and accumulates the values in F16, position by position. This test runs an F16 cache too, but attends
 * in F32, so the components differ by up to about 5e-4 where attention spans many positions (the 40-token prompt,
 * last pooling, on qwen2), and agree to float rounding where it spans one (qwen2's one-token "Hello": no BOS). So each
 * component must be within {@link #COMPONENT_TOLERANCE}, and within 1e-6 for a one-token prompt, where no attention
 * arithmetic differs and any error would be ours (norm, pooling, normalization).
 */
class EmbeddingConformanceTest {
    /** Measured at most 4.4e-4 (see above); F32 attention against the reference's F16 accumulation. */
    private static final float COMPONENT_TOLERANCE = 6e-4f;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama-spm-f32", "tiny-qwen2-f32"})
    void pooledEmbeddingsMatchLlamaCpp(String name) throws Exception {
        JsonNode reference = new ObjectMapper().readTree(Conformance.dir().resolve("ref/" + name + ".embeddings.json").toFile());
        try (Model m = Model.load(Conformance.model(name + ".gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F16, 1024))) {
            int checked = 0;
            for (JsonNode entry : reference.get("entries")) {
                float[] expected = new ObjectMapper().convertValue(entry.get("embedding"), float[].class);
                int[] tokens = m.tokenizer().encode(entry.get("prompt").asText(), true, false);
                float[] actual = Embedder.embed(backend, tokens, Pooling.parse(entry.get("pooling").asText()));
                String what = entry.get("pooling").asText() + " of '" + entry.get("prompt").asText() + "'";
                assertEquals(expected.length, actual.length, what + ": width");
                assertTrue(cosine(expected, actual) >= 0.9999, what + ": cosine " + cosine(expected, actual));
                assertArrayEquals(expected, actual, tokens.length == 1 ? 1e-6f : COMPONENT_TOLERANCE, what);
                checked++;
            }
            assertEquals(6, checked, "three prompts, two poolings");
        }
    }

    @Test
    void aPromptComputedInChunksPoolsAsOneComputedAtOnce() throws Exception {
        try (Model m = Model.load(Conformance.model("tiny-llama-spm-f32.gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 1024))) {
            int[] tokens = m.tokenizer().encode("one two three four five six seven eight nine ten", true, false);
            for (Pooling pooling : Pooling.values()) {
                PooledEmbedding chunked = new PooledEmbedding(pooling, m.config().dim());
                Sequence s = backend.kvCache().newSequence();
                for (int from = 0; from < tokens.length; from += 3) {
                    int[] chunk = java.util.Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + 3));
                    chunked.add(backend.forward(List.of(BatchEntry.hidden(s, chunk))).getFirst());
                }
                backend.kvCache().release(s);
                assertArrayEquals(Embedder.embed(backend, tokens, pooling), chunked.vector(), 1e-5f, pooling.toString());
            }
        }
    }

    @Test
    void hiddenAndLogitEntriesShareAStepWithoutChangingEachOther() throws Exception {
        try (Model m = Model.load(Conformance.model("tiny-llama-spm-f32.gguf"));
             CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 1024))) {
            int[] a = m.tokenizer().encode("The quick brown fox", true, false), b = m.tokenizer().encode("Hello there", true, false);
            Sequence alone = backend.kvCache().newSequence();
            float[] logitsAlone = backend.forward(List.of(BatchEntry.lastLogits(alone, a))).getFirst();
            backend.kvCache().release(alone);
            float[] hiddenAlone = Embedder.embed(backend, b, Pooling.MEAN);
            Sequence s1 = backend.kvCache().newSequence(), s2 = backend.kvCache().newSequence();
            List<float[]> together = backend.forward(List.of(BatchEntry.hidden(s2, b), BatchEntry.lastLogits(s1, a)));
            PooledEmbedding pooled = new PooledEmbedding(Pooling.MEAN, m.config().dim());
            pooled.add(together.get(0));
            assertEquals(b.length * m.config().dim(), together.get(0).length, "one hidden row per token");
            assertArrayEquals(hiddenAlone, pooled.vector(), 1e-5f);
            assertArrayEquals(logitsAlone, together.get(1), 1e-4f);
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
