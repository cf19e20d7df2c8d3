package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmModelPoolTest {
    @TempDir
    Path dir;

    private Path tinyModel() throws Exception {
        return TestModels.tiny(dir, "tiny.gguf", 42);
    }

    @Test
    void servesChatAndTextAndStreamsWhatItReturns() throws Exception {
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", tinyModel(), 2, 512))).awaitPreloaded()) {
            assertTrue(pool.ready());
            ModelInfo info = pool.models().getFirst();
            assertEquals("demo", info.id());
            assertTrue(info.randomWeights());
            StringBuilder streamed = new StringBuilder();
            GenerationResult chat = pool.generate("demo", ModelRequest.chat(List.of(new ChatMessage("user", "hello")),
                    SamplingParams.greedy(6)), (token, text) -> streamed.append(text)).generation();
            assertEquals(6, chat.tokens().length);
            assertEquals(chat.text(), streamed.toString());
            GenerationResult again = pool.generate("demo", ModelRequest.chat(List.of(new ChatMessage("user", "hello")),
                    SamplingParams.greedy(6)), (token, text) -> { }).generation();
            assertEquals(chat.text(), again.text(), "greedy is deterministic");
            assertTrue(again.cachedTokens() > 0 || again.promptTokens() <= 16, "a repeated prompt reuses cached KV blocks");
        }
    }

    @Test
    void unknownModelsAndBadIdsAreClearErrors() throws Exception {
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", tinyModel(), 1, 256)))) {
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> pool.generate("gpt-9", ModelRequest.text("x", SamplingParams.greedy(1)), (t, s) -> { }));
            assertEquals("model 'gpt-9' is not served here (served: demo)", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("bad id!", dir, 1, 1));
    }

    @Test
    void aModelThatFailsToLoadIsUnavailableWhileTheOthersServe() throws Exception {
        Path broken = dir.resolve("broken.gguf");
        java.nio.file.Files.writeString(broken, "not a model");
        Path healthy = tinyModel();
        // a download or copy cut short: a valid header whose tensors run past the end of the file
        Path truncated = dir.resolve("truncated.gguf");
        byte[] whole = java.nio.file.Files.readAllBytes(healthy);
        java.nio.file.Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", healthy, 1, 256), new ModelSpec("broken", broken, 1, 256),
                new ModelSpec("truncated", truncated, 1, 256)))) {
            pool.awaitPreloaded();
            assertTrue(pool.ready(), "the models that can serve are in service: the broken ones fail alone");
            assertTrue(pool.failures().get("broken").contains("not a GGUF file"));
            assertTrue(pool.failures().get("truncated").matches("(?is).*(truncated|past the end|beyond|shorter).*"), pool.failures().get("truncated"));
            ModelUnavailableException e = assertThrows(ModelUnavailableException.class,
                    () -> pool.generate("broken", ModelRequest.text("x", SamplingParams.greedy(1)), (t, s) -> { }));
            assertTrue(e.configured());
            assertTrue(pool.generate("demo", ModelRequest.text("x", SamplingParams.greedy(1)), (t, s) -> { }).generation().promptTokens() > 0, "the healthy model serves");
            assertThrows(PromptTooLongException.class, () -> pool.generate("demo",
                    ModelRequest.text("hello world hello world", SamplingParams.greedy(1)).withMaxPromptTokens(2), (t, s) -> { }));
        }
    }
}
