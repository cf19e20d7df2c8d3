package io.hearth.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.FinishReason;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.ToolChoice;
import io.hearth.engine.tools.ToolDefinition;
import io.hearth.engine.tools.ToolUse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each sequence of a batched step has its own grammar: free text, two schemas and a required tool call decode side
 * by side on one replica, each as it would alone, and a schema answer cut by max_tokens ends with "length".
 */
class ConstrainedBatchingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void sequencesInOneStepKeepTheirOwnGrammars() throws Exception {
        Grammar labels = Grammars.jsonSchema(JSON.readTree("{\"enum\":[\"red\",\"green\",\"blue\"]}"));
        Grammar point = Grammars.jsonSchema(JSON.readTree("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9},"
                + "\"y\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}},\"required\":[\"x\",\"y\"]}"));
        ToolUse tool = new ToolUse(List.of(new ToolDefinition("pick", null, JSON.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"enum\":[1,2]}},\"required\":[\"n\"]}"))),
                ToolChoice.REQUIRED, false, null);
        List<ModelRequest> requests = List.of(
                request(null, 12), request(labels, 40), request(point, 80), request(null, 200).withTools(tool), request(labels, 40), request(point, 80));
        LargestBatch largestBatch = new LargestBatch();
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 8, 16);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", TestModels.tiny(dir, "tiny.gguf", 42), 2, 4096, policy)), largestBatch)
                .awaitPreloaded()) {
            List<Completion> alone = new ArrayList<>();
            for (ModelRequest r : requests) alone.add(pool.generate("demo", r, (t, s) -> { }));
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newFixedThreadPool(requests.size())) {
                List<Future<Completion>> together = new ArrayList<>();
                for (ModelRequest r : requests) together.add(clients.submit(() -> {
                    start.await();
                    return pool.generate("demo", r, (t, s) -> { });
                }));
                start.countDown();
                for (int i = 0; i < requests.size(); i++) {
                    Completion c = together.get(i).get(120, TimeUnit.SECONDS);
                    assertEquals(alone.get(i).generation().text(), c.generation().text(), "request " + i + " in a batch gives its solo answer");
                }
            }
            assertTrue(largestBatch.get() > 1, "the sequences shared steps");
            assertTrue(List.of("\"red\"", "\"green\"", "\"blue\"").contains(alone.get(1).generation().text()), alone.get(1).generation().text());
            assertTrue(JSON.readTree(alone.get(2).generation().text()).get("x").isInt(), alone.get(2).generation().text());
            Completion called = alone.get(3);
            assertEquals(List.of("pick"), called.toolAnswer().calls().stream().map(c -> c.name()).toList(),
                    called.generation().finishReason() + ": " + called.generation().text());

            Completion cut = pool.generate("demo", request(point, 3), (t, s) -> { });
            assertEquals(FinishReason.LENGTH, cut.generation().finishReason(), "a schema answer max_tokens cut short says so");
            assertFalse(cut.generation().text().endsWith("}"));
        }
    }

    /** Greedy, so an answer alone and in a batch must be the same. */
    private static ModelRequest request(Grammar grammar, int maxTokens) {
        return ModelRequest.chat(List.of(new ChatMessage("user", "Answer, please.")), SamplingParams.greedy(maxTokens).withGrammar(grammar));
    }
}
