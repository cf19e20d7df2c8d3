package io.hearth.pool.prefix;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.WarmModelPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.hearth.pool.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes, each a pool with its own Hazelcast member (or client), on loopback: a long prompt computed on one is found
 * in the shared tier by the other, which prefills only the rest and answers identically; tenants with different
 * salts never share; losing a member leaves the others serving.
 */
class SharedPrefixTest {
    @TempDir
    static Path dir;
    private static List<ModelSpec> specs;

    private static final String PROMPT = "You are the helpful assistant of a function platform. ".repeat(8) + "Question: what is a hearth?";
    private static final ModelRequest REQUEST = ModelRequest.text(PROMPT, SamplingParams.greedy(8));
    private static final BlockCacheConfig CACHE = new BlockCacheConfig(10_000, Duration.ofHours(1));

    @BeforeAll
    static void model() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        try (WorkerPool workers = new WorkerPool(2)) {
            ModelGenerator.write(ModelShape.named("tiny"), GgmlType.Q8_0, 3, model, workers);
        }
        specs = List.of(new ModelSpec("demo", model, 1, 1024, new PoolPolicy(1, 1, Duration.ofMinutes(5), true, 4, 8)));
    }

    private static String clusterName(String test) {
        return "hearth-" + test + "-" + ProcessHandle.current().pid();
    }

    private static int entries(ClusterConnection connection) {
        int n = 0;
        for (var ignored : connection.blocks()) n++;
        return n;
    }

    private static GenerationResult ask(WarmModelPool node, ModelRequest request) {
        return node.generate("demo", request, (t, s) -> { }).generation();
    }

    @Test
    void aPromptComputedOnOneNodeIsAPrefixHitOnTheOther() throws Exception {
        ClusterMember a = new ClusterMember(clusterName("hit"), 15801, List.of("127.0.0.1:15802"), CACHE);
        ClusterMember b = new ClusterMember(a.clusterName(), 15802, List.of("127.0.0.1:15801"), CACHE);
        try (ClusterConnection memberA = a.start(); ClusterConnection memberB = b.start();
             JCacheSharedTier tierA = new JCacheSharedTier(memberA, 256);
             JCacheSharedTier tierB = new JCacheSharedTier(memberB, 256);
             WarmModelPool nodeA = new WarmModelPool(specs, PoolEvents.NONE, tierA).awaitPreloaded();
             WarmModelPool nodeB = new WarmModelPool(specs, PoolEvents.NONE, tierB).awaitPreloaded()) {
            await("the members form one cluster", () -> memberA.hazelcast().getCluster().getMembers().size() == 2);
            Completion computed = nodeA.generate("demo", REQUEST, (t, s) -> { });
            assertEquals(0, computed.generation().cachedTokens(), "nothing was cached anywhere yet");
            int fullBlocks = (computed.generation().promptTokens() - 1) / 16;
            assertEquals(fullBlocks, computed.prefix().computedBlocks());
            await("node A published its prompt blocks", () -> tierA.published() >= fullBlocks);
            assertEquals(fullBlocks, entries(memberB), "each block is stored once in the cluster");

            Completion reused = nodeB.generate("demo", REQUEST, (t, s) -> { });
            assertEquals(fullBlocks * 16, reused.generation().cachedTokens(), "node B prefilled only what follows the shared blocks");
            assertEquals(fullBlocks, reused.prefix().sharedBlocks(), "found in the shared tier");
            assertEquals(computed.generation().text(), reused.generation().text(), "and answers as if it had computed them");
            assertEquals(fullBlocks, nodeB.generate("demo", REQUEST, (t, s) -> { }).prefix().localBlocks(), "then in its own KV pool");

            GenerationResult otherTenant = ask(nodeB, REQUEST.withCacheSalt("tenant-b"));
            assertEquals(0, otherTenant.cachedTokens(), "another tenant's salt finds none of those blocks, here or in the cluster");
            assertEquals(computed.generation().text(), otherTenant.text());

            await("node B published tenant B's blocks", () -> tierB.published() >= fullBlocks);
            assertEquals(2 * fullBlocks, tierA.clear("demo"), "ops clear the model's entries cluster-wide, both tenants'");
            assertEquals(0, entries(memberB), "the cluster holds none of them");
            assertEquals(fullBlocks, nodeA.clearPrefixCache("demo"), "and a node's cached blocks");
            assertEquals(0, ask(nodeA, REQUEST).cachedTokens());
        }
    }

    @Test
    void aDamagedEntryIsAMissAndIsRemoved() throws Exception {
        ClusterMember a = new ClusterMember(clusterName("damaged"), 15803, List.of(), CACHE);
        try (ClusterConnection member = a.start();
             JCacheSharedTier tier = new JCacheSharedTier(member, 256);
             WarmModelPool node = new WarmModelPool(specs, PoolEvents.NONE, tier).awaitPreloaded()) {
            int fullBlocks = node.generate("demo", REQUEST, (t, s) -> { }).prefix().computedBlocks();
            await("published", () -> tier.published() >= fullBlocks);
            node.clearPrefixCache("demo");
            var it = member.blocks().iterator();
            String victim = null;
            while (it.hasNext()) {
                var e = it.next();
                // damage one block of the chain: lookups stop there and the rest is computed
                if (victim == null || e.getKey().compareTo(victim) < 0) victim = e.getKey();
            }
            byte[] entry = member.blocks().get(victim);
            entry[entry.length - 1] ^= 1;
            member.blocks().put(victim, entry);

            Completion c = node.generate("demo", REQUEST, (t, s) -> { });
            assertTrue(c.prefix().sharedBlocks() < fullBlocks, "the chain stops at the damaged block");
            assertEquals(1, tier.damaged());
            assertFalse(member.blocks().containsKey(victim) && java.util.Arrays.equals(member.blocks().get(victim), entry),
                    "the damaged entry is gone (or replaced by a fresh one)");
        }
    }

    @Test
    void aNodeWhoseMemberLeftKeepsServingOnLocalBlocksAndTheOtherKeepsItsTier() throws Exception {
        ClusterMember a = new ClusterMember(clusterName("loss"), 15804, List.of("127.0.0.1:15805"), CACHE);
        ClusterMember b = new ClusterMember(a.clusterName(), 15805, List.of("127.0.0.1:15804"), CACHE);
        try (ClusterConnection memberB = b.start();
             JCacheSharedTier tierB = new JCacheSharedTier(memberB, 256);
             WarmModelPool nodeB = new WarmModelPool(specs, PoolEvents.NONE, tierB).awaitPreloaded()) {
            ClusterConnection memberA = a.start();
            try (JCacheSharedTier tierA = new JCacheSharedTier(memberA, 256);
                 WarmModelPool nodeA = new WarmModelPool(specs, PoolEvents.NONE, tierA).awaitPreloaded()) {
                await("the members form one cluster", () -> memberB.hazelcast().getCluster().getMembers().size() == 2);
                String expected = ask(nodeA, REQUEST).text();
                memberA.close();
                GenerationResult afterLoss = ask(nodeA, REQUEST.withCacheSalt("after-loss"));
                assertEquals(expected, afterLoss.text(), "node A answers without its member");
                assertFalse(tierA.available(), "and says its shared tier is gone");
                assertEquals(expected, ask(nodeB, REQUEST).text(), "node B keeps serving");
                assertTrue(tierB.available());
            }
        }
    }

    @Test
    void aClientGoesOnWithLocalBlocksWhileItsClusterIsDownAndUsesItAgainWhenItIsBack() throws Exception {
        String name = clusterName("outage");
        ClusterMember external = new ClusterMember(name, 15809, List.of(), CACHE);
        ClusterConnection member = external.start();
        try (ClusterConnection client = new ClusterClient(name, List.of("127.0.0.1:15809"), CACHE, Duration.ofSeconds(20)).connect();
             JCacheSharedTier tier = new JCacheSharedTier(client, 256);
             WarmModelPool node = new WarmModelPool(specs, PoolEvents.NONE, tier).awaitPreloaded()) {
            String expected = ask(node, REQUEST).text();
            member.close();
            await("the client noticed", () -> !client.reachable());
            long start = System.nanoTime();
            assertEquals(expected, ask(node, REQUEST.withCacheSalt("during-outage")).text(), "requests go on without the cluster");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "without waiting for it");
            assertFalse(tier.available());

            member = external.start();
            await("the client reconnected", client::reachable);
            Completion after = node.generate("demo", REQUEST.withCacheSalt("after-outage"), (t, s) -> { });
            assertEquals(expected, after.generation().text());
            await("blocks are published again", () -> tier.published() > 0 && entries(client) > 0);
            assertTrue(tier.available(), "and the tier says so");
        } finally {
            member.close();
        }
    }

    @Test
    void membersFoundByMulticastFormOneCluster() throws Exception {
        ClusterMember a = new ClusterMember(clusterName("multicast"), 15807, List.of(), true, CACHE);
        ClusterMember b = new ClusterMember(a.clusterName(), 15808, List.of(), true, CACHE);
        try (ClusterConnection memberA = a.start(); ClusterConnection memberB = b.start()) {
            await("the members found each other", () -> memberA.members() == 2 && memberB.members() == 2);
            memberA.blocks().put("demo/x", new byte[]{1});
            assertEquals(1, entries(memberB));
        }
    }

    @Test
    void aClientOfAnExternalClusterSharesBlocksWithAnotherClient() throws Exception {
        String name = clusterName("client");
        ClusterMember external = new ClusterMember(name, 15806, List.of(), CACHE);
        try (ClusterConnection member = external.start();
             ClusterConnection clientA = new ClusterClient(name, List.of("127.0.0.1:15806"), CACHE, Duration.ofSeconds(20)).connect();
             ClusterConnection clientB = new ClusterClient(name, List.of("127.0.0.1:15806"), CACHE, Duration.ofSeconds(20)).connect();
             JCacheSharedTier tierA = new JCacheSharedTier(clientA, 256);
             JCacheSharedTier tierB = new JCacheSharedTier(clientB, 256);
             WarmModelPool nodeA = new WarmModelPool(specs, PoolEvents.NONE, tierA).awaitPreloaded();
             WarmModelPool nodeB = new WarmModelPool(specs, PoolEvents.NONE, tierB).awaitPreloaded()) {
            Completion computed = nodeA.generate("demo", REQUEST, (t, s) -> { });
            int fullBlocks = computed.prefix().computedBlocks();
            await("client A published its prompt blocks", () -> tierA.published() >= fullBlocks);
            await("the external member holds them", () -> member.ownedBlocks() == fullBlocks);
            Completion reused = nodeB.generate("demo", REQUEST, (t, s) -> { });
            assertEquals(fullBlocks, reused.prefix().sharedBlocks());
            assertEquals(computed.generation().text(), reused.generation().text());
        }
    }
}
