package io.hearth.pool;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.hearth.pool.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A function's fixed prompt start, pinned: the very first call that begins with it skips its prefill, and its
 * blocks outlive a flood of other prompts that evicts everything unpinned; unpinned, they are evictable again.
 */
class PrefixPinTest {
    @TempDir
    Path dir;

    private static final String SYSTEM = "You answer questions about the Hearth platform, briefly and politely. ".repeat(4);

    private static ModelRequest call(String question) {
        return ModelRequest.chat(List.of(new ChatMessage("system", SYSTEM), new ChatMessage("user", "Question: " + question)),
                SamplingParams.greedy(4));
    }

    private static void flood(WarmModelPool pool, int prompts) {
        for (int i = 0; i < prompts; i++) {
            pool.generate("demo", ModelRequest.text(("Unrelated text number " + i + ". ").repeat(12), SamplingParams.greedy(1)), (t, s) -> { });
        }
    }

    @Test
    void aPinnedPrefixIsCachedBeforeTheFirstCallAndOutlivesEviction() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 5);
        // a small KV pool (1024 tokens = 64 blocks), so a few other prompts evict every unpinned block
        List<ModelSpec> specs = List.of(new ModelSpec("demo", model, 1, 1024, new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 1, 8)));
        try (WarmModelPool pool = new WarmModelPool(specs).awaitPreloaded()) {
            PinnedPrefix support = new PinnedPrefix(List.of(new ChatMessage("system", SYSTEM), new ChatMessage("user", "Question: ")), null);
            pool.pinPrefix("demo", "support@1", support);
            await("the prefix is pinned", () -> pool.prefixCache("demo").pinnedBlocks() > 0);
            int pinned = pool.prefixCache("demo").pinnedBlocks();
            pool.pinPrefix("demo", "support@2", support);
            await("a second version pins the same blocks", () -> pool.prefixCache("demo").pins().get("support@2") == pinned);
            assertEquals(pinned, pool.prefixCache("demo").pinnedBlocks(), "blocks two pins share count once");
            pool.unpinPrefix("demo", "support@2");

            Completion first = pool.generate("demo", call("what is a replica?"), (t, s) -> { });
            assertEquals(pinned, first.prefix().localBlocks(), "the first call finds the whole pinned prefix");

            flood(pool, 8);
            assertEquals(pinned, pool.generate("demo", call("what is a pool?"), (t, s) -> { }).prefix().localBlocks(),
                    "pinned blocks survive what evicts everything else");

            pool.unpinPrefix("demo", "support@1");
            assertEquals(0, pool.prefixCache("demo").pinnedBlocks());
            flood(pool, 8);
            assertTrue(pool.generate("demo", call("what is a block?"), (t, s) -> { }).prefix().localBlocks() < pinned,
                    "unpinned, they are evicted like any other");
        }
    }

    @Test
    void callersOfDifferentTenantsShareThePinnedPrefixButNothingAfterIt() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 5);
        List<ModelSpec> specs = List.of(new ModelSpec("demo", model, 1, 1024, new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 1, 8)));
        try (WarmModelPool pool = new WarmModelPool(specs).awaitPreloaded()) {
            List<ChatMessage> fixedStart = List.of(new ChatMessage("system", SYSTEM), new ChatMessage("user", "Question: "));
            pool.pinPrefix("demo", "support@1", new PinnedPrefix(fixedStart, null));
            await("the prefix is pinned", () -> pool.prefixCache("demo").pinnedBlocks() > 0);
            int pinned = pool.prefixCache("demo").pinnedBlocks();
            String question = "which of the many settings of a model pool decides how long an idle replica stays loaded? ".repeat(2);

            Completion alice = pool.generate("demo", call(question).withTenant(new TenantScope("team-a", fixedStart)), (t, s) -> { });
            assertEquals(pinned, alice.prefix().localBlocks(), "a tenant's first call skips the function's public start");
            Completion aliceAgain = pool.generate("demo", call(question).withTenant(new TenantScope("team-a", fixedStart)), (t, s) -> { });
            assertTrue(aliceAgain.prefix().localBlocks() > pinned, "the same tenant reuses its own blocks too");
            Completion bob = pool.generate("demo", call(question).withTenant(new TenantScope("team-b", fixedStart)), (t, s) -> { });
            assertEquals(pinned, bob.prefix().localBlocks(), "another tenant sending the same words finds only the public start");
            Completion anyone = pool.generate("demo", call(question), (t, s) -> { });
            assertEquals(pinned, anyone.prefix().localBlocks(), "as does a caller without a tenant");
            assertEquals(aliceAgain.generation().text(), bob.generation().text(), "the scope changes what is reused, never the answer");
        }
    }
}
