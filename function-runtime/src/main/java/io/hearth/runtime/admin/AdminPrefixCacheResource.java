package io.hearth.runtime.admin;

import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PrefixCacheInfo;
import io.hearth.pool.SharedTier;
import io.hearth.pool.prefix.JCacheSharedTier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The prefix cache for ops: {@code GET /admin/prefix-cache} shows each model's local tier (cached blocks and bytes
 * over its replicas) and this server's view of the shared tier (reachable, cluster members, blocks it found,
 * stored, dropped, damaged); {@code DELETE /admin/prefix-cache/{model}} clears the model's cached blocks here and
 * its entries in the whole cluster (after a model was found to misbehave, or to reclaim room). Clearing is never
 * needed for correctness: a new model file has another digest, so its blocks never match the old ones.
 */
@AdminOnly
@Path("/admin/prefix-cache")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminPrefixCacheResource {
    /** This server's view of the cluster's tier; null fields where the server runs without one. */
    public record SharedTierStatus(boolean enabled, boolean available, long blocksFound, long blocksPublished, long bytesPublished,
                                   long publishDrops, long damagedEntries) {
    }

    public record Status(List<PrefixCacheInfo> models, SharedTierStatus shared) {
    }

    /** What a clear removed: blocks forgotten by this server's replicas, entries removed from the cluster. */
    public record Cleared(String model, int localBlocks, int sharedEntries) {
    }

    @Inject
    PoolAdmin pool;
    @Inject
    SharedTier sharedTier;

    @GET
    public Status status() {
        JCacheSharedTier tier = sharedTier instanceof JCacheSharedTier running ? running : null;
        SharedTierStatus shared = tier == null ? new SharedTierStatus(false, false, 0, 0, 0, 0, 0)
                : new SharedTierStatus(true, tier.available(), tier.hits(), tier.published(), tier.publishedBytes(), tier.dropped(), tier.damaged());
        return new Status(pool.pools().stream().map(p -> pool.prefixCache(p.model())).toList(), shared);
    }

    @DELETE
    @Path("/{model}")
    public Cleared clear(@PathParam("model") String model) {
        int local = pool.clearPrefixCache(model);
        JCacheSharedTier tier = sharedTier instanceof JCacheSharedTier running ? running : null;
        return new Cleared(model, local, tier == null ? 0 : tier.clear(model));
    }
}
