package io.hearth.pool;

/** A replica's lifecycle: COLD → LOADING → WARM ⇄ BUSY → DRAINING → COLD. */
public enum ReplicaState {
    /** Not loaded (a replica that was unloaded, or failed its load). */
    COLD,
    /** Weights being mapped and read, the KV cache allocated, the self-check run. */
    LOADING,
    /** Loaded, nothing running. */
    WARM,
    /** Loaded, running or queueing sequences. */
    BUSY,
    /** Taking no new work; unloads once what it runs has finished. */
    DRAINING
}
