package io.hearth.runtime.functions;

import com.hazelcast.core.HazelcastInstance;
import io.hearth.runtime.Archives;
import io.hearth.runtime.deploy.FunctionNotFoundException;
import io.hearth.runtime.deploy.FunctionRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.hearth.runtime.ClusterMembers.SEAL;
import static io.hearth.runtime.ClusterMembers.await;
import static io.hearth.runtime.ClusterMembers.member;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Registries of three servers sharing functions through real Hazelcast members on loopback: a deploy, a rollback
 * and a canary made on any server are served alike by all, and a server joining later takes the cluster's
 * functions and brings its own.
 */
class ClusterFunctionsTest {
    @TempDir
    Path dir;

    private static String active(FunctionRegistry registry, String name) {
        try {
            return registry.routingOf(name).active();
        } catch (FunctionNotFoundException notYet) {
            return null;
        }
    }

    @Test
    void changesOnAnyServerAreServedByAllAndAJoiningServerTakesAndBrings() throws Exception {
        String cluster = "hearth-functions-" + ProcessHandle.current().pid();
        HazelcastInstance hzA = member(cluster, 15811, 15812), hzB = member(cluster, 15812, 15811);
        try {
            FunctionRegistry a = new FunctionRegistry(dir.resolve("a")), b = new FunctionRegistry(dir.resolve("b"));
            try (ClusterFunctions sharedA = new ClusterFunctions(hzA, SEAL, a); ClusterFunctions sharedB = new ClusterFunctions(hzB, SEAL, b)) {
                a.deploy("greet", Archives.promptFunction("greet", "1", "Hi {{ name }}"));
                await("B serves greet 1", () -> "1".equals(active(b, "greet")));
                a.deploy("greet", Archives.promptFunction("greet", "2", "Hello {{ name }}"));
                await("B serves greet 2", () -> "2".equals(active(b, "greet")));

                b.rollback("greet");
                await("A follows B's rollback", () -> "1".equals(active(a, "greet")));
                b.split("greet", "2", 30);
                await("and its canary", () -> a.routingOf("greet").canaryPercent() == 30);
                assertEquals(a.routingOf("greet"), b.routingOf("greet"));

                FunctionRegistry c = new FunctionRegistry(dir.resolve("c"));
                c.deploy("local-only", Archives.promptFunction("local-only", "7", "Bye"));
                HazelcastInstance hzC = member(cluster, 15813, 15811);
                try (ClusterFunctions sharedC = new ClusterFunctions(hzC, SEAL, c)) {
                    assertEquals(a.routingOf("greet"), c.routingOf("greet"), "a joining server takes the cluster's functions");
                    assertEquals(List.of("1", "2"), c.versionsOf("greet").stream().map(d -> d.manifest().version()).toList());
                    await("and brings its own", () -> "7".equals(active(a, "local-only")) && "7".equals(active(b, "local-only")));

                    c.undeploy("local-only");
                    await("an undeploy on one server removes it everywhere", () -> active(a, "local-only") == null && active(b, "local-only") == null);
                    assertEquals(List.of("greet"), hzA.<String, byte[]>getMap("hearth-function-routing").keySet().stream().sorted().toList());
                } finally {
                    hzC.shutdown();
                }
            }
        } finally {
            hzA.shutdown();
            hzB.shutdown();
        }
    }

    @Test
    void anArchiveWrittenIntoTheMapsWithoutTheSecretIsNeverDeployed() throws Exception {
        String cluster = "hearth-forged-functions-" + ProcessHandle.current().pid();
        HazelcastInstance hz = member(cluster, 15814);
        try {
            FunctionRegistry registry = new FunctionRegistry(dir.resolve("victim"));
            long before = SEAL.rejected();
            try (ClusterFunctions shared = new ClusterFunctions(hz, SEAL, registry)) {
                // what an attacker who joined would write: an archive and a routing naming it, sealed with a guess
                io.hearth.pool.prefix.ClusterSeal guess = io.hearth.pool.prefix.ClusterSeal.of("a-guess-at-the-secret");
                hz.<String, byte[]>getMap("hearth-function-archives").put("evil@1",
                        guess.seal("hearth-function-archives/evil@1", Archives.promptFunction("evil", "1", "pwned")));
                hz.<String, byte[]>getMap("hearth-function-routing").put("evil",
                        guess.sealText("hearth-function-routing/evil", "{\"active\":\"1\",\"previous\":null,\"canary\":null,\"canaryPercent\":0}"));
                await("the forgery is reported", () -> SEAL.rejected() > before);
                Thread.sleep(500);
                assertEquals(null, active(registry, "evil"), "nothing was deployed");
                assertEquals(List.of(), registry.names().stream().toList());
            }
        } finally {
            hz.shutdown();
        }
    }
}
