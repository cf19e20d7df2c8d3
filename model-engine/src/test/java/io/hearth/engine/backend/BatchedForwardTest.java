package io.hearth.engine.backend;

import io.hearth.engine.TinyModels;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.model.Model;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A batched step must give each sequence exactly what it would get alone; cached prefixes must not change logits. */
class BatchedForwardTest {
    private static final int[] PROMPT_A = {1, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418};
    private static final int[] PROMPT_B = {1, 500, 501, 502};

    private static float[] alone(CpuBackend backend, int[] prompt, int... decode) {
        Sequence s = backend.kvCache().newSequence();
        float[] logits = backend.forward(List.of(BatchEntry.lastLogits(s, prompt))).getFirst();
        for (int t : decode) logits = backend.forward(List.of(BatchEntry.lastLogits(s, t))).getFirst();
        backend.kvCache().release(s);
        return logits;
    }

    @Test
    void mixedPrefillAndDecodeBatchEqualsSequencesAlone() {
        try (Model model = Model.load(TinyModels.of(GgmlType.Q8_0));
             CpuBackend backend = new CpuBackend(model, new EngineOptions(2, KvType.F32, 512))) {
            float[] aliceAlone = alone(backend, PROMPT_A, 7);
            float[] bobAlone = alone(backend, PROMPT_B);
            float[] carolAlone = alone(backend, PROMPT_B, 9, 10);

            Sequence alice = backend.kvCache().newSequence(), bob = backend.kvCache().newSequence(), carol = backend.kvCache().newSequence();
            backend.forward(List.of(BatchEntry.lastLogits(alice, PROMPT_A), BatchEntry.lastLogits(carol, PROMPT_B)));
            List<float[]> step = backend.forward(List.of(
                    BatchEntry.lastLogits(alice, 7),                // decode
                    BatchEntry.lastLogits(bob, PROMPT_B),           // prefill
                    BatchEntry.lastLogits(carol, 9, 10)));          // a short chunk
            assertClose(aliceAlone, step.get(0));
            assertClose(bobAlone, step.get(1));
            assertClose(carolAlone, step.get(2));
        }
    }

    @Test
    void cachedPrefixGivesTheSameLogitsAsComputingIt() {
        try (Model model = Model.load(TinyModels.of(GgmlType.F16));
             CpuBackend backend = new CpuBackend(model, new EngineOptions(2, KvType.F32, 512))) {
            float[] fresh = alone(backend, PROMPT_A);
            Sequence reuse = backend.kvCache().newSequence();
            int cached = backend.kvCache().attachCachedPrefix(reuse, PROMPT_A);
            assertEquals(16, cached, "the first block of the earlier run is reused");
            float[] reused = backend.forward(List.of(BatchEntry.lastLogits(reuse,
                    java.util.Arrays.copyOfRange(PROMPT_A, cached, PROMPT_A.length)))).getFirst();
            // Within rounding, not bit for bit: lane reductions may change order once C2 compiles them.
            assertClose(fresh, reused);
            backend.kvCache().release(reuse);
        }
    }

    @Test
    void f16KvCacheStaysCloseToF32() {
        try (Model model = Model.load(TinyModels.of(GgmlType.F32));
             CpuBackend f32 = new CpuBackend(model, new EngineOptions(2, KvType.F32, 256));
             CpuBackend f16 = new CpuBackend(model, new EngineOptions(2, KvType.F16, 256))) {
            float[] a = alone(f32, PROMPT_A, 3, 4), b = alone(f16, PROMPT_A, 3, 4);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 0.05, "logit " + i);
        }
    }

    @Test
    void rejectsTokensOutsideTheVocabulary() {
        try (Model model = Model.load(TinyModels.of(GgmlType.F32));
             CpuBackend backend = new CpuBackend(model, new EngineOptions(1, KvType.F32, 64))) {
            Sequence s = backend.kvCache().newSequence();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.forward(List.of(BatchEntry.lastLogits(s, 1, 99999))));
            assertEquals("token id 99999 is outside the vocabulary (0..1023)", e.getMessage());
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
    }
}
