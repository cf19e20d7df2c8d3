package io.hearth.runtime.cluster;

import io.hearth.pool.prefix.ClusterConnection;

import java.util.Optional;

/**
 * This server's place in the Hazelcast cluster, as the runtime's beans use it: the connection (none when the cluster
 * is off or could not be joined), and why the settings could not be used when they could not (the server is then
 * not ready). API keys, functions and the prefix cache's shared tier all go through it.
 */
public final class Cluster implements AutoCloseable {
    static final Cluster NONE = new Cluster(null, null);

    private final ClusterConnection connection;
    private final String misconfigured;

    Cluster(ClusterConnection connection, String misconfigured) {
        this.connection = connection;
        this.misconfigured = misconfigured;
    }

    /** The connection to the cluster, if this server is in one. */
    public Optional<ClusterConnection> connection() {
        return Optional.ofNullable(connection);
    }

    /** Why the cluster settings could not be used (a missing or short secret), or null when they could. */
    public String misconfigured() {
        return misconfigured;
    }

    @Override
    public void close() {
        if (connection != null) connection.close();
    }
}
