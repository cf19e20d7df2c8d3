package io.hearth.runtime.admin;

import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.ReplicaInfo;
import io.hearth.pool.ReplicaState;

import java.time.Duration;

/** The plain object registered for one model (not a CDI proxy, which JMX cannot introspect); it calls the pool's admin. */
final class ModelPoolMBean implements ModelPoolMXBean {
    private final PoolAdmin admin;
    private final String model;

    private final PolicyStore policies;

    ModelPoolMBean(PoolAdmin admin, PolicyStore policies, String model) {
        this.admin = admin;
        this.policies = policies;
        this.model = model;
    }

    private PoolInfo info() {
        return admin.pool(model);
    }

    private PoolPolicy policy() {
        return info().policy();
    }

    private void change(PolicyChange change) {
        policies.apply(model, change);
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    @Override
    public String getModel() {
        return model;
    }

    @Override
    public String[] getReplicas() {
        return info().replicas().stream().map(r -> String.format("replica %d %s on %s, %d running or waiting, loaded from %s in %.2f s",
                r.number(), r.state(), r.device(), r.load(), r.tier().apiName(), r.loadSeconds())).toArray(String[]::new);
    }

    @Override
    public int getWarmReplicas() {
        return (int) info().replicas().stream().map(ReplicaInfo::state).filter(s -> s == ReplicaState.WARM || s == ReplicaState.BUSY).count();
    }

    @Override
    public int getQueueDepth() {
        return admin.queueDepth(model);
    }

    @Override
    public long getColdStarts() {
        return info().coldStarts().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long getReplicaFailures() {
        return info().replicaFailures();
    }

    @Override
    public String getLastFailure() {
        String failure = info().lastFailure();
        return failure != null ? failure : "";
    }

    @Override
    public int getMinWarm() {
        return policy().minWarm();
    }

    @Override
    public void setMinWarm(int replicas) {
        change(new PolicyChange(replicas, null, null, null, null, null, null, null, null, null, null));
    }

    @Override
    public int getMaxReplicas() {
        return policy().maxReplicas();
    }

    @Override
    public void setMaxReplicas(int replicas) {
        change(new PolicyChange(null, replicas, null, null, null, null, null, null, null, null, null));
    }

    @Override
    public String getIdleTimeout() {
        return text(policy().idleTimeout());
    }

    @Override
    public void setIdleTimeout(String duration) {
        change(new PolicyChange(null, null, duration, null, null, null, null, null, null, null, null));
    }

    @Override
    public String getKeepAliveMin() {
        return text(policy().keepAliveMin());
    }

    @Override
    public void setKeepAliveMin(String duration) {
        change(new PolicyChange(null, null, null, null, null, null, duration, null, null, null, null));
    }

    @Override
    public String getKeepAliveMax() {
        return text(policy().keepAliveMax());
    }

    @Override
    public void setKeepAliveMax(String duration) {
        change(new PolicyChange(null, null, null, null, null, null, null, duration, null, null, null));
    }

    @Override
    public int getMaxBatch() {
        return policy().maxBatch();
    }

    @Override
    public void setMaxBatch(int sequences) {
        change(new PolicyChange(null, null, null, null, sequences, null, null, null, null, null, null));
    }

    @Override
    public int getMaxQueue() {
        return policy().maxQueue();
    }

    @Override
    public void setMaxQueue(int requests) {
        change(new PolicyChange(null, null, null, null, null, requests, null, null, null, null, null));
    }

    @Override
    public int getContext() {
        return info().kvTokens();
    }

    @Override
    public void setContext(int tokens) {
        // through the policy store, as REST changes go, so it is kept for the next start
        change(new PolicyChange(null, null, null, null, null, null, null, null, null, null, tokens));
    }

    @Override
    public String getPrewarmSchedule() {
        return policy().prewarmSchedule().text();
    }

    @Override
    public void setPrewarmSchedule(String windows) {
        change(new PolicyChange(null, null, null, null, null, null, null, null, windows, null, null));
    }

    @Override
    public void scale(int replicas) {
        admin.scale(model, replicas);
    }

    @Override
    public void preload() {
        admin.preload(model);
    }

    @Override
    public void drain() {
        admin.drain(model);
    }

    @Override
    public void evict() {
        admin.evict(model);
    }

    @Override
    public void kill(int replica) {
        admin.kill(model, replica);
    }
}
