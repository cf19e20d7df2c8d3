package io.hearth.runtime.invoke;

import io.hearth.pool.LoadProgress;
import io.hearth.runtime.keys.TokenBudget;

import java.time.Duration;

/**
 * How a caller wants an invocation run, beyond its input.
 *
 * @param progress  hears of a replica load the function's model calls wait for (a cold start)
 * @param keepAlive the caller's keep-alive hint for the model (null: the function's {@code scaling.keep_alive}, if any)
 * @param tenant    the caller's tenant (its API key's): beyond the function's fixed prompt start, its cached prompt
 *                  blocks are its own (null: an anonymous caller, sharing the function's scope)
 * @param budget    the caller's token quota, which each of the invocation's model calls reserves from before it runs
 */
public record InvocationOptions(LoadProgress progress, Duration keepAlive, String tenant, TokenBudget budget) {
    public static final InvocationOptions NONE = new InvocationOptions(LoadProgress.NONE, null, null, TokenBudget.UNLIMITED);
}
