package io.hearth.runtime.errors;

import jakarta.ws.rs.container.ContainerRequestContext;

/** Which requests are invocations ({@code /fn}, {@code /v1} and below), which the filters for keys, sizes and audit single out. */
public final class InvocationPaths {
    private InvocationPaths() {
    }

    /** The request's path without its leading slash, as JAX-RS matched it ({@code fn/summarize}). */
    public static String pathOf(ContainerRequestContext request) {
        return request.getUriInfo().getPath().replaceFirst("^/", "");
    }

    public static boolean isInvocation(String path) {
        return path.equals("fn") || path.startsWith("fn/") || path.equals("v1") || path.startsWith("v1/");
    }
}
