package io.hearth.runtime.admin;

import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelPool;
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
    ModelPool pool;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public PoolStatus models() {
        return new PoolStatus(pool.ready(), pool.models(), pool.failures());
    }
}
