package io.hearth.pool;

/**
 * The prefix cache's shared tier: one store of KV blocks for every model of every server in the cluster, seen by
 * each model's replicas as its own {@link SharedBlocks} (so ops can clear one model's entries).
 */
public interface SharedTier {
    SharedBlocks forModel(String model);

    /** No shared tier: every model's blocks stay on its replicas. */
    SharedTier NONE = model -> SharedBlocks.NONE;
}
