package io.hearth.pool.prefix;

import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolEvents;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.TestModels;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    private static final ClusterSeal SEAL = ClusterSeal.of("shared-prefix-test-secret");

    @BeforeAll
    static void model() throws Exception {
        Path model = TestModels.tiny(dir, "tiny.gguf", 3);
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
        ClusterMember a = new ClusterMember(clusterName("hit"), 15801, List.of("127.0.0.1:15802"), CACHE, SEAL);
        ClusterMember b = new ClusterMember(a.clusterName(), 15802, List.of("127.0.0.1:15801"), CACHE, SEAL);
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
        ClusterMember a = new ClusterMember(clusterName("damaged"), 15803, List.of(), CACHE, SEAL);
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
        ClusterMember a = new ClusterMember(clusterName("loss"), 15804, List.of("127.0.0.1:15805"), CACHE, SEAL);
        ClusterMember b = new ClusterMember(a.clusterName(), 15805, List.of("127.0.0.1:15804"), CACHE, SEAL);
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
        ClusterMember external = new ClusterMember(name, 15809, List.of(), CACHE, SEAL);
        ClusterConnection member = external.start();
        try (ClusterConnection client = new ClusterClient(name, List.of("127.0.0.1:15809"), CACHE, Duration.ofSeconds(20), SEAL).connect();
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
        ClusterMember a = new ClusterMember(clusterName("multicast"), 15807, List.of(), true, CACHE, SEAL);
        ClusterMember b = new ClusterMember(a.clusterName(), 15808, List.of(), true, CACHE, SEAL);
        try (ClusterConnection memberA = a.start(); ClusterConnection memberB = b.start()) {
            await("the members found each other", () -> memberA.members() == 2 && memberB.members() == 2);
            memberA.blocks().put("demo/x", new byte[]{1});
            assertEquals(1, entries(memberB));
        }
    }

    @Test
    void aClientOfAnExternalClusterSharesBlocksWithAnotherClient() throws Exception {
        String name = clusterName("client");
        ClusterMember external = new ClusterMember(name, 15806, List.of(), CACHE, SEAL);
        try (ClusterConnection member = external.start();
             ClusterConnection clientA = new ClusterClient(name, List.of("127.0.0.1:15806"), CACHE, Duration.ofSeconds(20), SEAL).connect();
             ClusterConnection clientB = new ClusterClient(name, List.of("127.0.0.1:15806"), CACHE, Duration.ofSeconds(20), SEAL).connect();
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

    @Test
    void aBlockWrittenWithoutTheSecretIsNeverReadAsKv() throws Exception {
        ClusterMember a = new ClusterMember(clusterName("forged"), 15810, List.of(), CACHE, SEAL);
        try (ClusterConnection member = a.start();
             JCacheSharedTier tier = new JCacheSharedTier(member, 256);
             WarmModelPool node = new WarmModelPool(specs, PoolEvents.NONE, tier).awaitPreloaded()) {
            String honest = ask(node, REQUEST).text();
            await("published", () -> entries(member) > 0);
            node.clearPrefixCache("demo");
            // an attacker in the cluster overwrites every block with KV of its own, sealed with a secret of its own
            ClusterSeal attacker = ClusterSeal.of("not-the-cluster-secret");
            List<String> keys = new java.util.ArrayList<>();
            member.blocks().forEach(e -> keys.add(e.getKey()));
            // (zeros of the same length as the honest content: KV that would change the answer if it were used)
            for (String k : keys) member.blocks().put(k, attacker.seal(k, new byte[member.blocks().get(k).length - 29]));
            Completion c = node.generate("demo", REQUEST, (t, s) -> { });
            assertEquals(0, c.prefix().sharedBlocks(), "no forged block is used");
            assertEquals(honest, c.generation().text(), "the answer is the honest one");
            assertTrue(member.seal().rejected() >= 1, "the forgery is reported");
        }
    }

    @Test
    void aMemberOrClientWithoutTheSecretIsTurnedAway() throws Exception {
        String name = clusterName("secret");
        ClusterMember honest = new ClusterMember(name, 15811, List.of(), CACHE, SEAL);
        try (ClusterConnection member = honest.start()) {
            assertThrows(RuntimeException.class, () -> new ClusterClient(name, List.of("127.0.0.1:15811"), CACHE, Duration.ofSeconds(3),
                    ClusterSeal.of("a-guess-at-the-secret")).connect(), "a client with another secret cannot connect");
            try (ClusterConnection intruder = new ClusterMember(name, 15812, List.of("127.0.0.1:15811"), CACHE, ClusterSeal.of("a-guess-at-the-secret")).start()) {
                Thread.sleep(3_000);
                assertEquals(1, member.members(), "a member with another secret does not join");
                assertEquals(1, intruder.members());
            }
        }
    }

    @Test
    void aMemberWithNoOthersListensOnLoopbackOnly() throws Exception {
        ClusterMember alone = new ClusterMember(clusterName("loopback"), 15813, List.of(), CACHE, ClusterSeal.random());
        try (ClusterConnection member = alone.start()) {
            assertTrue(alone.alone());
            assertTrue(member.hazelcast().getCluster().getLocalMember().getAddress().getInetAddress().isLoopbackAddress());
            java.net.InetAddress outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(ip -> !ip.isLoopbackAddress() && ip instanceof java.net.Inet4Address).findFirst().orElse(null);
            org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no address but loopback to try");
            try (java.net.Socket socket = new java.net.Socket()) {
                assertThrows(java.io.IOException.class, () -> socket.connect(new java.net.InetSocketAddress(outside, 15813), 2_000),
                        "the cluster port is not reachable on " + outside);
            }
        }
    }
}
