package io.hearth.runtime.admin;

import io.hearth.runtime.deploy.FunctionArchive;
import io.hearth.runtime.deploy.FunctionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Deployment: {@code PUT /admin/functions/{name}} with a zip or jar body deploys a version (201 new, 200 the same
 * bytes again); {@code GET} lists functions with their versions and routing; {@code POST .../rollback} returns to
 * the previous version; {@code PUT .../traffic} sends a share of calls to a canary version; {@code DELETE} removes a
 * function (an archive in the drop-in folder is deployed again only when its file changes).
 */
@AdminOnly
@Path("/admin/functions")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminFunctionResource {
    /** A function with its versions and where its traffic goes. */
    public record FunctionStatus(String name, List<String> versions, FunctionRegistry.Routing routing) {
    }

    /** What a deploy did. */
    public record Deployment(String name, String version, String kind, String model, String sha256, boolean created) {
    }

    /** Body of PUT .../traffic. */
    public static class TrafficSplit {
        public String version;
        public Integer percent;
    }

    @Inject
    FunctionRegistry registry;

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.WILDCARD)
    public Response deploy(@PathParam("name") String name, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes((int) FunctionArchive.MAX_ARCHIVE_BYTES + 1);
        if (bytes.length > FunctionArchive.MAX_ARCHIVE_BYTES) {
            throw new WebApplicationException("the archive is larger than " + (FunctionArchive.MAX_ARCHIVE_BYTES >> 20) + " MB", 413);
        }
        FunctionRegistry.DeployResult result = registry.deploy(name, bytes);
        var m = result.deployed().manifest();
        Deployment deployment = new Deployment(m.name(), m.version(), m.kind().name().toLowerCase(), m.model(),
                result.deployed().sha256(), result.created());
        return result.created()
                ? Response.created(URI.create("/fn/" + m.id())).entity(deployment).build()
                : Response.ok(deployment).build();
    }

    @GET
    public List<FunctionStatus> list() {
        List<FunctionStatus> out = new ArrayList<>();
        for (String name : registry.names()) out.add(status(registry, name));
        return out;
    }

    @GET
    @Path("/{name}")
    public FunctionStatus get(@PathParam("name") String name) {
        return status(registry, name);
    }

    /** Removes the function and all its versions (in the whole cluster); its calls get 404 from then on. */
    @DELETE
    @Path("/{name}")
    public Response undeploy(@PathParam("name") String name) {
        registry.undeploy(name);
        return Response.noContent().build();
    }

    @POST
    @Path("/{name}/rollback")
    public FunctionStatus rollback(@PathParam("name") String name) {
        registry.rollback(name);
        return status(registry, name);
    }

    @PUT
    @Path("/{name}/traffic")
    @Consumes(MediaType.APPLICATION_JSON)
    public FunctionStatus traffic(@PathParam("name") String name, TrafficSplit split) {
        if (split == null || split.version == null || split.percent == null) {
            throw new IllegalArgumentException("send {\"version\": \"...\", \"percent\": 0-100}");
        }
        registry.split(name, split.version, split.percent);
        return status(registry, name);
    }

    private static FunctionStatus status(FunctionRegistry registry, String name) {
        return new FunctionStatus(name, registry.versionsOf(name).stream().map(d -> d.manifest().version()).toList(),
                registry.routingOf(name));
    }
}
