package io.hearth.runtime.audit;

import io.hearth.runtime.functions.FunctionResource;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes an audit entry for each admin call and each invocation ({@code /admin/*}, {@code /fn/*}, {@code /v1/*}):
 * when, who (the authenticated user, else {@code anonymous}), what (method and path), the status and the time taken;
 * for a function's JSON answer also its version, model and tokens. A streamed answer is audited when its stream
 * opens (status 200), before its tokens are known.
 */
@Provider
public class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String STARTED = AuditFilter.class.getName() + ".started";

    @Inject
    AuditLog audit;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        if (!(path.startsWith("/admin") || path.startsWith("/fn") || path.startsWith("/v1"))) return;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", Instant.now().toString());
        Principal user = request.getSecurityContext() != null ? request.getSecurityContext().getUserPrincipal() : null;
        entry.put("who", user != null ? user.getName() : "anonymous");
        entry.put("method", request.getMethod());
        entry.put("path", path);
        entry.put("status", response.getStatus());
        if (request.getProperty(STARTED) instanceof Long started) entry.put("ms", (System.nanoTime() - started) / 1e6);
        if (response.getEntity() instanceof FunctionResource.Answer answer) {
            entry.put("function", answer.function());
            entry.put("version", answer.version());
            entry.put("model", answer.model());
            entry.put("prompt_tokens", answer.usage().prompt_tokens());
            entry.put("completion_tokens", answer.usage().completion_tokens());
        }
        audit.write(entry);
    }
}
