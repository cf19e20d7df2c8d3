package io.hearth.runtime.audit;

import io.hearth.runtime.invoke.InvocationResult;
import io.hearth.runtime.keys.KeyProtected;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.Config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes an audit entry for each request the API receives (admin calls, invocations, and requests that matched
 * nothing): when, who (the authenticated user, else {@code anonymous}), what (the method, the path as it was
 * received, undecoded, and the route it was dispatched to, or none), the status and the time taken;
 * for a function's JSON answer also its version, model and tokens. A streamed answer is audited when its stream
 * opens (status 200), before its tokens are known. With {@code hearth.audit.prompts=true} (regulated users who must
 * keep what was asked) an invocation's request body is recorded too; by default it never is. Runs after the body's
 * size limit, so what it reads is bounded.
 */
@Provider
@Priority(Priorities.USER + 100)
public class AuditFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String STARTED = AuditFilter.class.getName() + ".started";
    private static final String BODY = AuditFilter.class.getName() + ".body";

    @Inject
    AuditLog audit;
    @Inject
    Config config;
    @Context
    ResourceInfo resource;
    @Inject
    AuditedInvocation invocations;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        request.setProperty(STARTED, System.nanoTime());
        if (invocation() && request.hasEntity()
                && config.getOptionalValue("hearth.audit.prompts", Boolean.class).orElse(false)) {
            byte[] body = request.getEntityStream().readAllBytes();
            request.setProperty(BODY, new String(body, StandardCharsets.UTF_8));
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", Instant.now().toString());
        Principal user = request.getSecurityContext() != null ? request.getSecurityContext().getUserPrincipal() : null;
        entry.put("who", user != null ? user.getName() : "anonymous");
        entry.put("method", request.getMethod());
        entry.put("path", request.getUriInfo().getRequestUri().getRawPath());
        entry.put("route", route());
        entry.put("status", response.getStatus());
        if (request.getProperty(STARTED) instanceof Long started) entry.put("ms", (System.nanoTime() - started) / 1e6);
        if (request.getProperty(BODY) instanceof String body) entry.put("request_body", body);
        if (invocations.endUser() != null) entry.put("user", invocations.endUser());
        InvocationResult invocation = invocations.result();
        if (invocation != null) {
            entry.put("function", invocation.function());
            entry.put("version", invocation.version());
            entry.put("model", invocation.model());
            entry.put("prompt_tokens", invocation.promptTokens());
            entry.put("completion_tokens", invocation.completionTokens());
        }
        audit.write(entry);
    }

    private boolean invocation() {
        Class<?> matched = resource.getResourceClass();
        return matched != null && matched.isAnnotationPresent(KeyProtected.class);
    }

    /** The resource method's path template ({@code /fn/{reference}}), or null when the request matched none. */
    private String route() {
        Class<?> matched = resource.getResourceClass();
        if (matched == null || resource.getResourceMethod() == null) return null;
        jakarta.ws.rs.Path type = matched.getAnnotation(jakarta.ws.rs.Path.class);
        jakarta.ws.rs.Path method = resource.getResourceMethod().getAnnotation(jakarta.ws.rs.Path.class);
        String base = type == null ? "" : type.value();
        return method == null ? base : base.replaceFirst("/$", "") + "/" + method.value().replaceFirst("^/", "");
    }
}
