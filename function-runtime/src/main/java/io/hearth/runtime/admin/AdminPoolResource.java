package io.hearth.runtime.admin;

import io.hearth.pool.DeviceInfo;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.pool.PoolPolicy;
import io.hearth.runtime.pool.PoolHolder;
import io.hearth.runtime.pool.PoolSettings;
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

/**
 * The model pools for ops: {@code GET /admin/pools} lists every model's replicas (state, device, memory, queue, load
 * tier and time), cold starts and devices; {@code PUT .../policy} changes how a model scales; {@code POST .../scale},
 * {@code .../drain} and {@code .../evict} load replicas, take them out of service, or also drop the host tier.
 */
@Path("/admin/pools")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminPoolResource {
    public record Pools(List<DeviceInfo> devices, List<PoolInfo> pools) {
    }

    /** A policy change: fields left out keep their value; {@code idleTimeout} as {@code 90s}, {@code 10m}, {@code 500ms}. */
    public record PolicyChange(Integer minWarm, Integer maxReplicas, String idleTimeout, Boolean preload, Integer maxBatch,
                               Integer maxQueue) {
    }

    public record Scale(Integer replicas) {
    }

    @Inject
    PoolHolder holder;

    @GET
    public Pools pools() {
        PoolAdmin pool = holder.admin();
        return new Pools(pool.devices(), pool.pools());
    }

    @GET
    @Path("/{model}")
    public PoolInfo pool(@PathParam("model") String model) {
        return holder.admin().pool(model);
    }

    @PUT
    @Path("/{model}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolInfo policy(@PathParam("model") String model, PolicyChange change) {
        if (change == null) throw new IllegalArgumentException("send a JSON object with the policy fields to change");
        PoolPolicy p = holder.admin().pool(model).policy();
        return holder.admin().policy(model, new PoolPolicy(
                change.minWarm() != null ? change.minWarm() : p.minWarm(),
                change.maxReplicas() != null ? change.maxReplicas() : p.maxReplicas(),
                change.idleTimeout() != null ? PoolSettings.duration(change.idleTimeout()) : p.idleTimeout(),
                change.preload() != null ? change.preload() : p.preload(),
                change.maxBatch() != null ? change.maxBatch() : p.maxBatch(),
                change.maxQueue() != null ? change.maxQueue() : p.maxQueue()));
    }

    @POST
    @Path("/{model}/scale")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolInfo scale(@PathParam("model") String model, Scale scale) {
        if (scale == null || scale.replicas() == null) throw new IllegalArgumentException("send {\"replicas\": N}");
        return holder.admin().scale(model, scale.replicas());
    }

    @POST
    @Path("/{model}/drain")
    public PoolInfo drain(@PathParam("model") String model) {
        return holder.admin().drain(model);
    }

    @POST
    @Path("/{model}/evict")
    public PoolInfo evict(@PathParam("model") String model) {
        return holder.admin().evict(model);
    }
}
