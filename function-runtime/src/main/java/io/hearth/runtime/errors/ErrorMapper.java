package io.hearth.runtime.errors;

import io.hearth.engine.kv.KvCacheFullException;
import io.hearth.pool.DeadlineExceededException;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.pool.PoolBusyException;
import io.hearth.pool.PromptTooLongException;
import io.hearth.pool.ReplicaFailedException;
import io.hearth.runtime.deploy.ArchiveInvalidException;
import io.hearth.runtime.deploy.FunctionNotFoundException;
import io.hearth.runtime.deploy.VersionConflictException;
import io.hearth.runtime.invoke.FunctionBusyException;
import io.hearth.runtime.invoke.FunctionFailedException;
import io.hearth.runtime.invoke.FunctionTimeoutException;
import io.hearth.runtime.invoke.IncompleteOutputException;
import io.hearth.runtime.invoke.InputRefusedException;
import io.hearth.runtime.keys.CallerDeniedException;
import io.hearth.runtime.keys.KeyNameTakenException;
import io.hearth.runtime.resilience.ModelCircuitOpenException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Errors become status codes in one place: what a client can fix is a 4xx with a message saying what to fix;
 * anything else is a 500 whose body says only that, while the log keeps the detail. Never a stack trace on the wire.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    /** A status and the body that explains it. */
    public record Described(int status, ApiError body) {
    }

    @Override
    public Response toResponse(Throwable e) {
        Described d = classify(e);
        Response.ResponseBuilder response = Response.status(d.status()).type(MediaType.APPLICATION_JSON).entity(d.body());
        if (e instanceof ModelCircuitOpenException open) response.header("Retry-After", Long.toString(open.retryAfterSeconds()));
        else if (e instanceof CallerDeniedException denied && d.status() == 429) response.header("Retry-After", Long.toString(denied.retryAfterSeconds()));
        else if (d.status() == 401) response.header("WWW-Authenticate", "Bearer realm=\"hearth\"");
        else if (d.status() == 429 || d.status() == 503) response.header("Retry-After", d.status() == 429 ? "1" : "30");
        return response.build();
    }

    /** The body alone, for errors that happen after a stream has started. */
    public static ApiError describe(Throwable e) {
        return classify(e).body();
    }

    public static Described classify(Throwable e) {
        return switch (e) {
            case CallerDeniedException x -> of(x.reason().status, x, x.reason().code);
            case ModelUnavailableException x when x.configured() -> of(503, x, "model_unavailable");
            case ModelUnavailableException x -> of(404, x, "model_not_found");
            case PromptTooLongException x -> of(422, x, "input_too_long");
            case FunctionNotFoundException x -> of(404, x, "function_not_found");
            case ArchiveInvalidException x -> of(400, x, "invalid_archive");
            case VersionConflictException x -> of(409, x, "version_conflict");
            case KeyNameTakenException x -> of(409, x, "conflict");
            case FunctionBusyException x -> of(429, x, "overloaded");
            case PoolBusyException x -> of(429, x, "overloaded");
            case KvCacheFullException x -> of(429, x, "overloaded");
            case FunctionTimeoutException x -> of(504, x, "timeout");
            case DeadlineExceededException x -> of(504, x, "timeout");
            case TimeoutException x -> new Described(504, ApiError.of(504, "the model call ran past the server's limit for one call", "timeout", null));
            case ReplicaFailedException x -> of(503, x, "model_unavailable");
            case ModelCircuitOpenException x -> of(503, x, "model_unavailable");
            case FunctionFailedException x -> of(500, x, "function_error");
            case InputRefusedException x -> of(400, x, "input_refused");
            case IncompleteOutputException x -> of(422, x, "output_incomplete");
            case InvalidParamException x -> new Described(400, ApiError.of(400, x.getMessage(), "invalid_value", x.param()));
            case IllegalArgumentException x -> of(400, x, null);
            // the server's disk is full: nothing was changed, and ops must make room before it will take more
            case java.io.UncheckedIOException x when String.valueOf(x.getCause().getMessage()).contains("No space left") -> new Described(507,
                    ApiError.of(507, x.getMessage() + ": the server's disk is full; nothing was changed", "insufficient_storage", null));
            // RequestBodyReader wraps bodies that do not parse; a bare JsonbException is a response failing to serialise.
            case WebApplicationException x when x.getCause() instanceof JsonbException ->
                    new Described(400, ApiError.of(400, x.getMessage() + ": " + rootMessage(x), "invalid_json", null));
            case BadFieldException x -> new Described(x.getResponse().getStatus(), ApiError.of(x.getResponse().getStatus(), x.getMessage(), "invalid_value", x.param()));
            case WebApplicationException x when x.getResponse().getStatus() < 500 -> {
                int status = x.getResponse().getStatus();
                yield new Described(status, ApiError.of(status, ours(x) ? x.getMessage() : routing(status), null, null));
            }
            default -> {
                LOG.log(Level.SEVERE, "request failed", e);
                yield new Described(500, ApiError.of(500, "internal error; the server log has the details", "internal_error", null));
            }
        };
    }

    /**
     * Whether the message is one of Hearth's own: the router's (RESTEasy's) carry its codes and the full URL, which
     * say nothing a client can act on and something about the server it need not know.
     */
    private static boolean ours(WebApplicationException e) {
        return e.getMessage() != null && !e.getMessage().startsWith("RESTEASY") && !e.getMessage().startsWith("HTTP ");
    }

    /** The router's refusals, said plainly. */
    static String routing(int status) {
        return switch (status) {
            case 404 -> "no endpoint at this path (GET /openapi lists them)";
            case 405 -> "this endpoint does not take this HTTP method (GET /openapi lists them)";
            case 406 -> "this endpoint answers application/json (or text/event-stream where it streams): change the Accept header";
            case 415 -> "send the body as application/json (Content-Type: application/json)";
            default -> "the request cannot be served as sent (HTTP " + status + ")";
        };
    }

    private static Described of(int status, Throwable e, String code) {
        return new Described(status, ApiError.of(status, e.getMessage(), code, null));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage()).replace('\n', ' ');
    }
}
