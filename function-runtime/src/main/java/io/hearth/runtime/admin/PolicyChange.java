package io.hearth.runtime.admin;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.PrewarmSchedule;
import io.hearth.runtime.config.Durations;

import java.time.Duration;

/**
 * A change to a model's scaling policy, from REST ({@code PUT /admin/pools/<model>/policy}, snake_case fields; an unknown
 * field is a 400) or JMX: fields left null keep their value; durations as {@link Durations} reads them;
 * {@code prewarm_schedule} as daily windows {@code 08:30-18:00,20:00-22:00} (an empty string clears it);
 * {@code kv_tokens} (KV tokens of a replica over all its sequences) applies to replicas loaded afterwards. Stored
 * changes written under the old name {@code context} are read as {@code kvTokens}.
 */
public record PolicyChange(Integer minWarm, Integer maxReplicas, String idleTimeout, Boolean preload, Integer maxBatch,
                           Integer maxQueue, String keepAliveMin, String keepAliveMax, String prewarmSchedule,
                           Boolean predictivePrewarm, @JsonAlias("context") Integer kvTokens) {

    /** This change followed by {@code later}: each field as {@code later} sets it, else as this one did. */
    PolicyChange then(PolicyChange later) {
        return new PolicyChange(pick(later.minWarm, minWarm), pick(later.maxReplicas, maxReplicas), pick(later.idleTimeout, idleTimeout),
                pick(later.preload, preload), pick(later.maxBatch, maxBatch), pick(later.maxQueue, maxQueue),
                pick(later.keepAliveMin, keepAliveMin), pick(later.keepAliveMax, keepAliveMax), pick(later.prewarmSchedule, prewarmSchedule),
                pick(later.predictivePrewarm, predictivePrewarm), pick(later.kvTokens, kvTokens));
    }

    private static <T> T pick(T later, T earlier) {
        return later != null ? later : earlier;
    }

    /** Applies the change to {@code model}'s pool: the policy is built and checked first, so a refused change changes nothing. */
    PoolInfo applyTo(PoolAdmin admin, String model) {
        PoolPolicy next = applyTo(admin.pool(model).policy());
        if (kvTokens != null && (kvTokens < 16 || kvTokens > (1 << 20))) {
            throw new IllegalArgumentException("kv_tokens must be 16..1048576 tokens, got " + kvTokens);
        }
        PoolInfo changed = admin.policy(model, next);
        return kvTokens != null ? admin.context(model, kvTokens) : changed;
    }

    /**
     * {@code p} with the fields this change sets, each through the policy's own wither (which checks it); bounds that
     * move together (min-warm and max-replicas, the keep-alive range) are set in the order that keeps them valid.
     */
    private PoolPolicy applyTo(PoolPolicy p) {
        int least = minWarm != null ? minWarm : p.minWarm(), most = maxReplicas != null ? maxReplicas : p.maxReplicas();
        PoolPolicy changed = most >= p.minWarm() ? p.withMaxReplicas(most).withMinWarm(least) : p.withMinWarm(least).withMaxReplicas(most);
        Duration shortest = keepAliveMin != null ? Durations.parse(keepAliveMin) : p.keepAliveMin();
        Duration longest = keepAliveMax != null ? Durations.parse(keepAliveMax) : p.keepAliveMax();
        changed = longest.compareTo(p.keepAliveMin()) >= 0 ? changed.withKeepAliveMax(longest).withKeepAliveMin(shortest)
                : changed.withKeepAliveMin(shortest).withKeepAliveMax(longest);
        if (idleTimeout != null) changed = changed.withIdleTimeout(Durations.parse(idleTimeout));
        if (preload != null) changed = changed.withPreload(preload);
        if (maxBatch != null) changed = changed.withMaxBatch(maxBatch);
        if (maxQueue != null) changed = changed.withMaxQueue(maxQueue);
        if (prewarmSchedule != null) changed = changed.withPrewarmSchedule(PrewarmSchedule.parse(prewarmSchedule));
        if (predictivePrewarm != null) changed = changed.withPredictivePrewarm(predictivePrewarm);
        return changed;
    }


}
