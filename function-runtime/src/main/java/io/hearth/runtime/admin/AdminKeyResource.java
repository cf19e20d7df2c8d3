package io.hearth.runtime.admin;

import io.hearth.runtime.keys.ApiKey;
import io.hearth.runtime.keys.ApiKeys;
import io.hearth.runtime.keys.KeyRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * API keys for ops: {@code POST /admin/keys} creates one and returns its text once (only a salted hash is kept);
 * {@code GET /admin/keys} lists them with today's token use; {@code DELETE /admin/keys/{id}} revokes one at once,
 * on every server of the cluster.
 */
@AdminOnly
@Path("/admin/keys")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminKeyResource {
    public record RateLimit(int requests_per_minute, int burst) {
    }

    public record TokenQuota(long tokens_per_day, long used_today) {
    }

    /** A key as listed: never its secret. */
    public record Listed(String id, String name, List<String> functions, RateLimit rate_limit, TokenQuota token_quota, String tenant,
                         String created) {
    }

    /** A key just created: {@code key} is the text clients send, shown this once. */
    public record Created(String id, String name, String key, List<String> functions, RateLimit rate_limit, TokenQuota token_quota,
                          String tenant, String created) {
    }

    @Inject
    ApiKeys keys;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(KeyRequest request) {
        if (request == null) throw new IllegalArgumentException("send a JSON body: {\"name\": ..., \"functions\": [...], \"rate_limit\": {...}}");
        ApiKeys.Created made = keys.create(request);
        Listed k = listed(made.key());
        return Response.status(201).entity(new Created(k.id(), k.name(), made.secret(), k.functions(), k.rate_limit(), k.token_quota(),
                k.tenant(), k.created())).build();
    }

    @GET
    public List<Listed> list() {
        return keys.list().stream().map(this::listed).toList();
    }

    @GET
    @Path("/{id}")
    public Listed get(@PathParam("id") String id) {
        ApiKey key = keys.get(id);
        if (key == null) throw new NotFoundException("no API key " + id + " (GET /admin/keys lists them)");
        return listed(key);
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id) {
        if (!keys.revoke(id)) throw new NotFoundException("no API key " + id + " (GET /admin/keys lists them)");
        return Response.noContent().build();
    }

    private Listed listed(ApiKey k) {
        return new Listed(k.id(), k.name(), k.functions(), new RateLimit(k.requestsPerMinute(), k.burst()),
                new TokenQuota(k.tokensPerDay(), keys.usedToday(k.id())), k.tenant(), k.created());
    }
}
