package io.hearth.runtime.admin;

import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelPool;
import io.hearth.runtime.pool.PoolHolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** {@code GET /admin/models}: every configured model, loaded or failed, with its device and KV cache use. */
@AdminOnly
@Path("/admin/models")
@ApplicationScoped
public class AdminModelResource {
    /** The pool as ops see it. */
    public record PoolStatus(boolean ready, List<ModelInfo> models, Map<String, String> failed) {
    }

    @Inject
    PoolHolder holder;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public PoolStatus models() {
        ModelPool pool = holder.pool();
        return new PoolStatus(pool.ready(), pool.models(), pool.failures());
    }
}
