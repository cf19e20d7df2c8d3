package io.hearth.pool;

/**
 * What every call a replica served tells its pool, whatever it produced (a completion, an embedding): how long it
 * waited in the replica's queue and how the prefix cache served its prompt; the pool adds the cold start it waited for.
 */
interface ServedCall<T extends ServedCall<T>> {
    long queuedNanos();

    PrefixReuse prefix();

    T withColdStart(ColdStart start);
}
