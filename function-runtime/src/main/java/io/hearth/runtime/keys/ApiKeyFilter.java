package io.hearth.runtime.keys;

import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.keys.CallerDeniedException.Reason;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Invocations (the resources marked {@link KeyProtected}: {@code /fn}, {@code /v1}, however their URL is spelled) need an API key, sent as {@code Authorization: Bearer <key>} (what OpenAI
 * clients send): no key or a bad one is 401; a key is then held to its rate limit and quota (429 with Retry-After),
 * and for {@code /fn/<name>} to its functions (403). The OpenAI API checks the model a body names against the key
 * itself. Without a key a call passes only when {@code hearth.security.anonymous-invoke} is on.
 */
@Provider
@KeyProtected
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {
    private static final String BEARER = "Bearer ";

    @Inject
    Callers callers;
    @Inject
    ApiKeys keys;
    @Inject
    KeyMetrics metrics;

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            authenticate(request);
        } catch (CallerDeniedException e) {
            metrics.refused(e.reason());
            throw e;
        }
    }

    private void authenticate(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            if (callers.anonymousInvoke()) return;
            throw new CallerDeniedException(Reason.UNAUTHENTICATED,
                    "an API key is required: send Authorization: Bearer <key> (ops create keys with POST /admin/keys)");
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new CallerDeniedException(Reason.UNAUTHENTICATED, "send the API key as Authorization: Bearer <key>");
        }
        ApiKey key = keys.authenticate(header.substring(BEARER.length()).trim());
        // the function the router matched ({@code /fn/{reference}}), decoded as the resource will see it
        String reference = request.getUriInfo().getPathParameters().getFirst("reference");
        if (reference != null) {
            String function = FunctionRegistry.nameOf(reference);
            if (!key.mayCall(function)) throw forbidden(key, function);
        }
        keys.admit(key);
        metrics.admitted(key);
        request.setSecurityContext(new KeyPrincipal(key).context(request.getSecurityContext() != null && request.getSecurityContext().isSecure()));
    }

    /** The refusal for a key that may not call {@code name}. */
    public static CallerDeniedException forbidden(ApiKey key, String name) {
        return new CallerDeniedException(Reason.FORBIDDEN, "API key " + key.name() + " may not call " + name + " (it may call: "
                + String.join(", ", key.functions()) + ")");
    }
}
