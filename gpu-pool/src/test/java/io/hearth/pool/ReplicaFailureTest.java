package io.hearth.pool;

import io.hearth.engine.grammar.ByteSet;
import io.hearth.engine.grammar.Expr;
import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.GrammarBuilder;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.hearth.pool.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica that fails mid-generation, a caller's deadline, and a caller's keep-alive hint within ops' bounds. */
class ReplicaFailureTest {
    @TempDir
    Path dir;

    /**
     * A call that runs to its max_tokens whatever the model: a grammar of letters without end never allows the
     * end-of-generation token (a random-weights model's greedy answer may otherwise stop after a few tokens, before
     * the kill it is meant to meet).
     */
    private static final Grammar WITHOUT_END = new GrammarBuilder()
            .define("root", Expr.seq(Expr.bytes(ByteSet.range('a', 'z')), new Expr.Ref("root"))).build("root", "letters without end");
    private static final ModelRequest LONG = ModelRequest.text("a long story", SamplingParams.greedy(1500).withGrammar(WITHOUT_END));


    @Test
    void aKilledReplicaFailsItsRequestsRetryablyAndIsReplaced() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 7);
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 4096, policy))).awaitPreloaded()) {
            String solo = pool.generate("demo", LONG, (t, s) -> { }).generation().text();
            int first = pool.pool("demo").replicas().getFirst().number();

            CountDownLatch streaming = new CountDownLatch(2);
            List<CompletableFuture<Completion>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> pool.generate("demo", LONG, (t, s) -> streaming.countDown())));
            }
            assertTrue(streaming.await(20, TimeUnit.SECONDS), "both calls started streaming");
            pool.kill("demo", first);
            for (CompletableFuture<Completion> call : calls) {
                Throwable failure = assertThrows(Exception.class, call::join).getCause();
                assertInstanceOf(ReplicaFailedException.class, failure, "a failed replica's requests are retryable: " + failure);
            }

            await("a replacement is warm", () -> pool.pool("demo").replicas().stream().anyMatch(r -> r.state() == ReplicaState.WARM));
            PoolInfo after = pool.pool("demo");
            assertEquals(1, after.replicaFailures());
            assertNotEquals(first, after.replicas().getFirst().number(), "the killed replica was replaced by a new one");
            assertEquals(solo, pool.generate("demo", LONG, (t, s) -> { }).generation().text(), "the retry answers as before");
            assertThrows(IllegalArgumentException.class, () -> pool.kill("demo", 99));
        }
    }

    @Test
    void aCallPastItsDeadlineIsCancelledAndFreesItsBlocks() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 8);
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 4, 8);
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 4096, policy))).awaitPreloaded()) {
            ModelRequest late = LONG.withDeadline(Instant.now().plusMillis(30));
            assertThrows(DeadlineExceededException.class, () -> pool.generate("demo", late, (t, s) -> { }));
            await("the cancelled sequence's blocks are free", () -> {
                ReplicaInfo r = pool.pool("demo").replicas().getFirst();
                return r.load() == 0 && r.kvBlocksFree() == r.kvBlocks();
            });
        }
    }

    @Test
    void aKeepAliveHintReplacesTheIdleTimeoutWithinOpsBounds() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 9);
        PoolPolicy policy = new PoolPolicy(0, 1, Duration.ofMinutes(10), false, 4, 8, Duration.ofMillis(300), Duration.ofMinutes(20));
        try (WarmModelPool pool = new WarmModelPool(List.of(new ModelSpec("demo", model, 1, 1024, policy)))) {
            ModelRequest shortHint = ModelRequest.text("hi", SamplingParams.greedy(2));
            pool.generate("demo", shortHint.withKeepAlive(Duration.ofDays(1)), (t, s) -> { });
            assertEquals(20 * 60, pool.pool("demo").replicas().getFirst().idleTimeoutSeconds(), "a day is held to keep-alive-max");

            pool.generate("demo", shortHint.withKeepAlive(Duration.ZERO), (t, s) -> { });
            assertEquals(0.3, pool.pool("demo").replicas().getFirst().idleTimeoutSeconds(), "zero is raised to keep-alive-min");
            await("the replica unloads after the hint's 300 ms, not the model's 10 minutes", () -> pool.pool("demo").replicas().isEmpty());
        }
    }
}
