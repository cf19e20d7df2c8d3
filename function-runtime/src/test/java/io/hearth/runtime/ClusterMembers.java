package io.hearth.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.hearth.pool.prefix.ClusterSeal;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/** Real Hazelcast members on loopback for tests of what servers share, and waiting for what they share to arrive. */
public final class ClusterMembers {
    private ClusterMembers() {
    }

    /** The secret the tests' members share. */
    public static final ClusterSeal SEAL = ClusterSeal.of("tests-cluster-secret");

    /** A member of {@code cluster} on {@code port}, finding the members on {@code others} by TCP. */
    public static HazelcastInstance member(String cluster, int port, int... others) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
                .setMembers(Arrays.stream(others).mapToObj(p -> "127.0.0.1:" + p).toList());
        return Hazelcast.newHazelcastInstance(config);
    }

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
