package io.hearth.runtime.functions;

import io.hearth.pool.LoadProgress;
import io.hearth.runtime.config.Durations;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.invoke.InvocationResult;
import io.hearth.runtime.invoke.InvocationService;
import io.hearth.runtime.keys.ApiKey;
import io.hearth.runtime.keys.Callers;
import io.hearth.runtime.keys.KeyProtected;
import io.hearth.runtime.sse.EventStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Invocation: {@code GET /fn} lists what can be called; {@code POST /fn/{name}} (or {@code name@version}) runs a
 * function on a JSON object, answering JSON, or server-sent events when the client accepts text/event-stream.
 */
@Path("/fn")
@ApplicationScoped
@KeyProtected
public class FunctionResource {
    /** A callable function as listed. */
    public record Listed(String name, String version, String kind, String model) {
    }

    /** The JSON answer of an invocation; {@code model} is the model that served it (a fallback, maybe). */
    public record Answer(String function, String version, String model, Object output, String finish_reason, Usage usage, Timings timings,
                         ColdStartTiming cold_start) {
    }

    /** Present when the call waited for its model to load: where the weights came from (disk, host) and how long. */
    public record ColdStartTiming(String tier, double load_ms) {
    }

    /**
     * A streamed progress event ({@code event: loading}) while a cold start brings the model up: {@code phase} is
     * {@code download} while a model fetched by URL arrives, then {@code load}.
     */
    public record Loading(String model, String phase, int percent) {
    }

    /** Milliseconds: waiting for a replica, to the first token (-1 when none was generated), and in all. */
    public record Timings(double queue_ms, double ttft_ms, double total_ms) {
    }

    /**
     * Tokens in and out; {@code cached_tokens}: prompt tokens served from the prefix cache, of which
     * {@code shared_cached_tokens} came from the cluster's shared tier (computed on another replica or server).
     */
    public record Usage(int prompt_tokens, int completion_tokens, int cached_tokens, int shared_cached_tokens) {
    }

    /** One streamed piece of text. */
    public record Piece(String text) {
    }

    /** A caller's keep-alive hint for the function's model ({@code 90s}, {@code 10m}), held within ops' bounds. */
    public static final String KEEP_ALIVE_HEADER = "Hearth-Keep-Alive";

    @Inject
    FunctionRegistry registry;
    @Inject
    InvocationService invocations;
    @Inject
    Callers callers;

    /** The functions the caller may call. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Listed> list(@Context SecurityContext security) {
        ApiKey key = callers.caller(security);
        List<Listed> out = new ArrayList<>();
        for (String name : registry.names()) {
            if (key != null && !key.mayCall(name)) continue;
            FunctionManifest m = registry.active(name).manifest();
            out.add(new Listed(m.name(), m.version(), m.kind().name().toLowerCase(), m.model()));
        }
        return out;
    }

    @POST
    @Path("/{reference}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response invoke(@PathParam("reference") String reference, @HeaderParam(HttpHeaders.ACCEPT) String accept,
                           @HeaderParam(KEEP_ALIVE_HEADER) String keepAliveHeader, @Context SecurityContext security,
                           FunctionInput input) {
        Duration keepAlive = keepAliveHeader == null ? null : Durations.parse(keepAliveHeader);
        ApiKey key = callers.caller(security);
        FunctionRegistry.Deployed deployed = invocations.resolve(reference, RuntimeMetrics.FN);
        Map<String, Object> body = input != null ? input.fields() : Map.of();
        if (accept != null && accept.contains(MediaType.SERVER_SENT_EVENTS)) {
            String model = deployed.manifest().model();
            return EventStream.of(events -> events.send(answer(invocations.invoke(key, deployed, body, new InvocationService.Delivery(
                    (token, text) -> {
                        if (!text.isEmpty()) events.send(new Piece(text));
                    }, progressTo(events, model), keepAlive)))));
        }
        InvocationResult result = invocations.invoke(key, deployed, body, InvocationService.Delivery.whole(keepAlive));
        return Response.ok(answer(result), MediaType.APPLICATION_JSON).build();
    }


    private static LoadProgress progressTo(EventStream events, String model) {
        return new LoadProgress() {
            @Override
            public void loading(int percent) {
                events.send("loading", new Loading(model, "load", percent));
            }

            @Override
            public void downloading(int percent) {
                events.send("loading", new Loading(model, "download", percent));
            }
        };
    }

    private static Answer answer(InvocationResult r) {
        return new Answer(r.function(), r.version(), r.model(), r.output(), r.finishReason(), new Usage(r.promptTokens(), r.completionTokens(),
                        r.prefix().savedTokens(), r.prefix().sharedTokens()),
                new Timings(r.queueMillis(), r.ttftMillis(), r.totalMillis()),
                r.coldStart() == null ? null : new ColdStartTiming(r.coldStart().tier().apiName(), r.coldStart().loadNanos() / 1e6));
    }
}
