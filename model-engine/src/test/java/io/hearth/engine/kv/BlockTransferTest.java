package io.hearth.engine.kv;

import io.hearth.engine.TinyModels;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.model.Model;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KV blocks leave one cache and enter another (another replica's, or via the prefix cache's shared tier): a prompt
 * whose prefix blocks were imported holds exactly the computed KV and gives the logits of computing it, for both KV types.
 */
class BlockTransferTest {
    private static final int[] PROMPT = new int[40];

    static {
        for (int i = 0; i < PROMPT.length; i++) PROMPT[i] = i == 0 ? 1 : 300 + i;
    }

    private static float[] computed(CpuBackend backend, int[] prompt) {
        Sequence s = backend.kvCache().newSequence();
        float[] logits = backend.forward(List.of(BatchEntry.lastLogits(s, prompt))).getFirst();
        backend.kvCache().release(s);
        return logits;
    }

    @Test
    void importedBlocksGiveTheLogitsOfComputedOnes() {
        for (KvType type : KvType.values()) {
            try (Model model = Model.load(TinyModels.of(GgmlType.Q8_0));
                 CpuBackend a = new CpuBackend(model, new EngineOptions(1, type, 256));
                 CpuBackend b = new CpuBackend(model, new EngineOptions(1, type, 256))) {
                float[] fresh = computed(a, PROMPT);
                List<BlockHash> hashes = a.kvCache().prefixHashes(PROMPT);
                assertEquals(2, hashes.size(), "40 tokens: two full blocks before the last token");
                assertEquals(b.kvCache().prefixHashes(PROMPT), hashes, "the same model and layout name blocks alike");

                for (BlockHash h : hashes) {
                    assertTrue(b.kvCache().importCached(h, a.kvCache().exportCached(h)), type.toString());
                    assertArrayEquals(a.kvCache().exportCached(h), b.kvCache().exportCached(h), type + ": imported KV is bit for bit the computed KV");
                }
                assertFalse(b.kvCache().importCached(hashes.getFirst(), a.kvCache().exportCached(hashes.getFirst())), "already cached");

                Sequence s = b.kvCache().newSequence();
                int cached = b.kvCache().attachCachedPrefix(s, PROMPT);
                assertEquals(32, cached, "both imported blocks are found");
                float[] reused = b.forward(List.of(BatchEntry.lastLogits(s, Arrays.copyOfRange(PROMPT, cached, PROMPT.length)))).getFirst();
                // Not bit for bit: the Vector API's lane reductions may sum in another order once C2 compiles them, so a
                // forward pass can differ in the last ulp between the first call in a JVM and a later one.
                assertArrayEquals(fresh, reused, 1e-4f, type + ": a prompt on imported KV gives the logits of computing it");
                b.kvCache().release(s);
            }
        }
    }

    @Test
    void aBlockNotCachedExportsNothingAndForeignContentIsRefused() {
        try (Model model = Model.load(TinyModels.of(GgmlType.Q8_0));
             CpuBackend f32 = new CpuBackend(model, new EngineOptions(1, KvType.F32, 256));
             CpuBackend f16 = new CpuBackend(model, new EngineOptions(1, KvType.F16, 256))) {
            BlockHash h = f32.kvCache().prefixHashes(PROMPT).getFirst();
            assertNull(f32.kvCache().exportCached(h));
            computed(f32, PROMPT);
            assertFalse(f16.kvCache().importCached(h, f32.kvCache().exportCached(h)), "an F32 block does not fit an F16 cache");
        }
    }
}
