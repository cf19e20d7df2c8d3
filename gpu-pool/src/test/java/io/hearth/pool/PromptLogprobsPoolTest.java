package io.hearth.pool;

import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.sample.TokenLogprob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A prompt scored in the step loop (echo with logprobs) over several prefill chunks gives what the single-sequence generator gives. */
class PromptLogprobsPoolTest {
    @TempDir
    Path dir;

    @Test
    void aPromptScoredInTheStepLoopMatchesTheGeneratorAndIsNeverServedFromCache() throws Exception {
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        int[] prompt = new int[300];
        for (int i = 0; i < prompt.length; i++) prompt[i] = 1 + (i * 53) % 1000;
        SamplingParams scored = SamplingParams.greedy(3).withLogprobs(2).withPromptLogprobs();
        GenerationResult expected;
        try (Model m = Model.load(file); CpuBackend backend = new CpuBackend(m, new EngineOptions(2, KvType.F32, 2048))) {
            expected = new Generator(backend).generate(prompt, scored, TokenListener.NONE);
        }
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", file, 2, 4096, policy))).awaitPreloaded()) {
            pool.generate("demo", ModelRequest.tokens(prompt, SamplingParams.greedy(1)), TokenListener.NONE); // caches the prompt's blocks
            GenerationResult actual = pool.generate("demo", ModelRequest.tokens(prompt, scored), TokenListener.NONE).generation();
            assertEquals(0, actual.cachedTokens(), "scoring needs every position's logits: no cached block is used");
            assertEquals(prompt.length, actual.promptLogprobs().size());
            for (int p = 1; p < prompt.length; p++) {
                TokenLogprob e = expected.promptLogprobs().get(p), a = actual.promptLogprobs().get(p);
                assertEquals(e.token(), a.token());
                assertEquals(e.logprob(), a.logprob(), 1e-4, "position " + p);
                assertEquals(e.top().getFirst().token(), a.top().getFirst().token(), "position " + p);
            }
            assertEquals(java.util.Arrays.toString(expected.tokens()), java.util.Arrays.toString(actual.tokens()),
                    "the answer sampled from the scored prefill's last row");
            for (int i = 0; i < expected.logprobs().size(); i++) {
                assertEquals(expected.logprobs().get(i).logprob(), actual.logprobs().get(i).logprob(), 1e-4, "answer token " + i);
            }
        }
    }
}
