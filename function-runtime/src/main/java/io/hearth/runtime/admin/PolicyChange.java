package io.hearth.runtime.admin;

import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.PrewarmSchedule;
import io.hearth.runtime.config.Durations;
import io.hearth.runtime.pool.PoolSettings;

/**
 * A change to a model's scaling policy, from REST ({@code PUT /admin/pools/<model>/policy}) or JMX: fields left
 * null keep their value; durations as {@code 90s}, {@code 10m}, {@code 500ms}; {@code prewarmSchedule} as daily
 * windows {@code 08:30-18:00,20:00-22:00} (an empty string clears it); {@code context} (KV tokens of a replica)
 * applies to replicas loaded afterwards.
 */
public record PolicyChange(Integer minWarm, Integer maxReplicas, String idleTimeout, Boolean preload, Integer maxBatch,
                           Integer maxQueue, String keepAliveMin, String keepAliveMax, String prewarmSchedule,
                           Boolean predictivePrewarm, Integer context) {

    /** This change followed by {@code later}: each field as {@code later} sets it, else as this one did. */
    PolicyChange then(PolicyChange later) {
        return new PolicyChange(pick(later.minWarm, minWarm), pick(later.maxReplicas, maxReplicas), pick(later.idleTimeout, idleTimeout),
                pick(later.preload, preload), pick(later.maxBatch, maxBatch), pick(later.maxQueue, maxQueue),
                pick(later.keepAliveMin, keepAliveMin), pick(later.keepAliveMax, keepAliveMax), pick(later.prewarmSchedule, prewarmSchedule),
                pick(later.predictivePrewarm, predictivePrewarm), pick(later.context, context));
    }

    private static <T> T pick(T later, T earlier) {
        return later != null ? later : earlier;
    }

    /** Applies the change to {@code model}'s pool. */
    PoolInfo applyTo(PoolAdmin admin, String model) {
        if (context != null) admin.context(model, context);
        return admin.policy(model, applyTo(admin.pool(model).policy()));
    }

    private PoolPolicy applyTo(PoolPolicy p) {
        return new PoolPolicy(
                minWarm != null ? minWarm : p.minWarm(),
                maxReplicas != null ? maxReplicas : p.maxReplicas(),
                idleTimeout != null ? Durations.parse(idleTimeout) : p.idleTimeout(),
                preload != null ? preload : p.preload(),
                maxBatch != null ? maxBatch : p.maxBatch(),
                maxQueue != null ? maxQueue : p.maxQueue(),
                keepAliveMin != null ? Durations.parse(keepAliveMin) : p.keepAliveMin(),
                keepAliveMax != null ? Durations.parse(keepAliveMax) : p.keepAliveMax(),
                prewarmSchedule != null ? PrewarmSchedule.parse(prewarmSchedule) : p.prewarmSchedule(),
                predictivePrewarm != null ? predictivePrewarm : p.predictivePrewarm());
    }
}
