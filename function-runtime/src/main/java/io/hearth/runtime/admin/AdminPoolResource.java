package io.hearth.runtime.admin;

import io.hearth.pool.DeviceInfo;
import io.hearth.pool.ModelPool;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * The model pools for ops: {@code GET /admin/pools} lists every model's replicas (state, device, memory, queue, load
 * tier and time), cold starts and devices; {@code PUT .../policy} changes how a model scales; {@code POST .../scale},
 * {@code .../drain} and {@code .../evict} load replicas, take them out of service, or also drop the host tier;
 * {@code POST .../replicas/{n}/kill} fails one replica at once (it is replaced, its requests retried).
 */
@AdminOnly
@Path("/admin/pools")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminPoolResource {
    /** The devices, each served model's pool, and the configured models that cannot be served, with why. */
    public record Pools(List<DeviceInfo> devices, List<PoolInfo> pools, Map<String, String> failed) {
    }

    public record Scale(Integer replicas) {
    }

    @Inject
    PoolAdmin admin;
    @Inject
    ModelPool models;
    @Inject
    PolicyStore policies;

    @GET
    public Pools pools() {
        return new Pools(admin.devices(), admin.pools(), models.failures());
    }

    @GET
    @Path("/{model}")
    public PoolInfo pool(@PathParam("model") String model) {
        return admin.pool(model);
    }

    @PUT
    @Path("/{model}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolInfo policy(@PathParam("model") String model, PolicyChange change) {
        if (change == null) throw new IllegalArgumentException("send a JSON object with the policy fields to change");
        return policies.apply(model, change);
    }

    @POST
    @Path("/{model}/scale")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolInfo scale(@PathParam("model") String model, Scale scale) {
        if (scale == null || scale.replicas() == null) throw new IllegalArgumentException("send {\"replicas\": N}");
        return admin.scale(model, scale.replicas());
    }

    /** Loads one replica if none is warm or loading (a manual pre-warm); returns at once. */
    @POST
    @Path("/{model}/preload")
    public PoolInfo preload(@PathParam("model") String model) {
        return admin.preload(model);
    }

    @POST
    @Path("/{model}/drain")
    public PoolInfo drain(@PathParam("model") String model) {
        return admin.drain(model);
    }

    @POST
    @Path("/{model}/evict")
    public PoolInfo evict(@PathParam("model") String model) {
        return admin.evict(model);
    }

    /** Fails one replica now, as a crash would: its requests are retried on another replica and it is replaced. */
    @POST
    @Path("/{model}/replicas/{replica}/kill")
    public PoolInfo kill(@PathParam("model") String model, @PathParam("replica") int replica) {
        return admin.kill(model, replica);
    }
}
