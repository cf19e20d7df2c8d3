package io.hearth.engine.kv;

import io.hearth.engine.TinyModels;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefix cache never changes an answer: for every weight type, greedy output from blocks cached on the same
 * replica (local tier) or imported from another (what the shared tier does) is the output of a replica that never
 * cached anything, for a prompt whose prefix ends inside a block (40 tokens: two full blocks and 8 more).
 */
class PrefixReuseOutputTest {
    private static final int[] PROMPT = new int[40];

    static {
        for (int i = 0; i < PROMPT.length; i++) PROMPT[i] = i == 0 ? 1 : 200 + 7 * i;
    }

    private static GenerationResult generate(CpuBackend backend) {
        return new Generator(backend).generate(PROMPT, SamplingParams.greedy(12), (t, s) -> { });
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void cachedOrImportedBlocksGiveTheOutputOfNoCache(GgmlType type) {
        try (Model model = Model.load(TinyModels.of(type))) {
            EngineOptions options = new EngineOptions(1, KvType.F16, 256);
            GenerationResult uncached;
            try (CpuBackend fresh = new CpuBackend(model, options)) {
                uncached = generate(fresh);
            }
            assertEquals(0, uncached.cachedTokens());
            try (CpuBackend a = new CpuBackend(model, options); CpuBackend b = new CpuBackend(model, options)) {
                generate(a);
                GenerationResult local = generate(a);
                assertEquals(32, local.cachedTokens(), type + ": the two full blocks come from the local tier");
                assertArrayEquals(uncached.tokens(), local.tokens(), type + ": local hit");

                List<BlockHash> hashes = a.kvCache().prefixHashes(PROMPT);
                for (BlockHash h : hashes) assertTrue(b.kvCache().importCached(h, a.kvCache().exportCached(h)));
                GenerationResult imported = generate(b);
                assertEquals(32, imported.cachedTokens(), type + ": the two full blocks were imported");
                assertArrayEquals(uncached.tokens(), imported.tokens(), type + ": imported (shared-tier) hit");
            }
        }
    }
}
