package io.hearth.runtime.errors;

import io.hearth.engine.kv.KvCacheFullException;
import io.hearth.pool.ModelUnavailableException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Errors become status codes in one place: what a client can fix is a 4xx with a message saying what to fix;
 * anything else is a 500 whose body says only that, while the log keeps the detail. Never a stack trace on the wire.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof ModelUnavailableException) return error(404, e.getMessage(), "model_not_found");
        if (e instanceof IllegalArgumentException) return error(400, e.getMessage(), "invalid_request_error");
        if (e instanceof KvCacheFullException) {
            return Response.fromResponse(error(429, e.getMessage(), "overloaded")).header("Retry-After", "1").build();
        }
        // RequestBodyReader wraps bodies that do not parse; a bare JsonbException is a response failing to serialise.
        if (e instanceof WebApplicationException && e.getCause() instanceof JsonbException) {
            return error(400, "the request body is not valid JSON for this endpoint: " + rootMessage(e), "invalid_request_error");
        }
        if (e instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            int status = w.getResponse().getStatus();
            return error(status, w.getMessage(), status == 404 ? "not_found" : "invalid_request_error");
        }
        LOG.log(Level.SEVERE, "request failed", e);
        return error(500, "internal error; the server log has the details", "server_error");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage()).replace('\n', ' ');
    }

    static Response error(int status, String message, String type) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(ApiError.of(message, type)).build();
    }
}
