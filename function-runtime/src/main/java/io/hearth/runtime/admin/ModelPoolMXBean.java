package io.hearth.runtime.admin;

/**
 * One model's pool as a JMX MXBean, {@code io.hearth:type=ModelPool,name=<model>}: what {@code /admin/pools/<model>}
 * shows and does, for JConsole and scripts through Liberty's REST JMX connector (admin role required). Durations
 * read and write as {@code 90s}, {@code 10m}, {@code 500ms}.
 */
public interface ModelPoolMXBean {
    String getModel();

    /** One line per replica: number, state, device, load, tier and load time. */
    String[] getReplicas();

    int getWarmReplicas();

    int getQueueDepth();

    long getColdStarts();

    long getReplicaFailures();

    /** The last load failure, or an empty string. */
    String getLastFailure();

    int getMinWarm();

    void setMinWarm(int replicas);

    int getMaxReplicas();

    void setMaxReplicas(int replicas);

    String getIdleTimeout();

    void setIdleTimeout(String duration);

    String getKeepAliveMin();

    void setKeepAliveMin(String duration);

    String getKeepAliveMax();

    void setKeepAliveMax(String duration);

    int getMaxBatch();

    void setMaxBatch(int sequences);

    int getMaxQueue();

    void setMaxQueue(int requests);

    /** KV tokens of a replica; a change applies to replicas loaded afterwards. */
    int getContext();

    void setContext(int tokens);

    /** Daily windows with a replica kept warm, {@code 08:30-18:00,20:00-22:00}; empty for none. */
    String getPrewarmSchedule();

    void setPrewarmSchedule(String windows);

    /** Loads replicas until this many are warm or loading (at most max-replicas). */
    void scale(int replicas);

    /** Loads one replica if none is warm or loading. */
    void preload();

    /** Takes every replica out of service; each unloads when its running requests finish. */
    void drain();

    /** Drains and drops the weights from host memory: the next start reads the disk. */
    void evict();

    /** Fails one replica at once, as a crash would; its requests are retried and it is replaced. */
    void kill(int replica);
}
