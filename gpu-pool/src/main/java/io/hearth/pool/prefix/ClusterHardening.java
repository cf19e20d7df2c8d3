package io.hearth.pool.prefix;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.SerializationConfig;

/**
 * What every Hazelcast member and client of Hearth's refuses, whoever connects: Java deserialization of any class
 * (Hearth shares only strings, longs and byte arrays, which have serializers of their own, so a gadget chain sent
 * by a peer is never instantiated), and Hazelcast's optional code-running services, which stay off.
 */
final class ClusterHardening {
    /** The one class the filter's allow list names, which exists nowhere: nothing else may be Java-deserialized. */
    private static final String NOTHING = "io.hearth.pool.prefix.NoJavaSerialization";

    private ClusterHardening() {
    }

    static void apply(Config config) {
        apply(config.getSerializationConfig());
        config.getJetConfig().setEnabled(false);
        config.getUserCodeDeploymentConfig().setEnabled(false);
    }

    static void apply(SerializationConfig serialization) {
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig();
        filter.getWhitelist().addClasses(NOTHING);
        serialization.setJavaSerializationFilterConfig(filter);
    }
}
