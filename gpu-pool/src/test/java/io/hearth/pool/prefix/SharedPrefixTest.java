package io.hearth.pool.prefix;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.WarmModelPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.hearth.pool.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes, each a pool with its own embedded Hazelcast member, on loopback: a long prompt computed on one is
 * found in the shared tier by the other, which prefills only the rest and answers identically.
 */
class SharedPrefixTest {
    @TempDir
    Path dir;

    private static final String PROMPT = "You are the helpful assistant of a function platform. ".repeat(8) + "Question: what is a hearth?";

    @Test
    void aPromptComputedOnOneNodeIsAPrefixHitOnTheOther() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        try (WorkerPool workers = new WorkerPool(2)) {
            ModelGenerator.write(ModelShape.named("tiny"), GgmlType.Q8_0, 3, model, workers);
        }
        int portA = 15801, portB = 15802;
        ClusterMember a = new ClusterMember("hearth-test-" + ProcessHandle.current().pid(), portA, List.of("127.0.0.1:" + portB), 10_000, Duration.ofHours(1));
        ClusterMember b = new ClusterMember(a.clusterName(), portB, List.of("127.0.0.1:" + portA), 10_000, Duration.ofHours(1));
        PoolPolicy policy = new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 4, 8);
        List<ModelSpec> specs = List.of(new ModelSpec("demo", model, 1, 1024, policy));
        ModelRequest request = ModelRequest.text(PROMPT, SamplingParams.greedy(8));
        try (ClusterMember.Started memberA = a.start(); ClusterMember.Started memberB = b.start();
             JCacheSharedBlocks tierA = new JCacheSharedBlocks(memberA.blocks(), 256);
             JCacheSharedBlocks tierB = new JCacheSharedBlocks(memberB.blocks(), 256);
             WarmModelPool nodeA = new WarmModelPool(specs, PoolEvents.NONE, tierA).awaitPreloaded();
             WarmModelPool nodeB = new WarmModelPool(specs, PoolEvents.NONE, tierB).awaitPreloaded()) {
            await("the members form one cluster", () -> memberA.member().getCluster().getMembers().size() == 2);
            GenerationResult computed = nodeA.generate("demo", request, (t, s) -> { }).generation();
            assertEquals(0, computed.cachedTokens(), "nothing was cached anywhere yet");
            int fullBlocks = (computed.promptTokens() - 1) / 16;
            await("node A published its prompt blocks", () -> tierA.published() >= fullBlocks);

            GenerationResult reused = nodeB.generate("demo", request, (t, s) -> { }).generation();
            assertEquals(fullBlocks * 16, reused.cachedTokens(), "node B prefilled only what follows the shared blocks");
            assertEquals(computed.text(), reused.text(), "and answers as if it had computed them");
            assertTrue(tierB.hits() >= fullBlocks);
        }
    }

}
