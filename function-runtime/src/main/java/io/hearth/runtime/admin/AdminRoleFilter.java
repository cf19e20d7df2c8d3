package io.hearth.runtime.admin;

import io.hearth.runtime.keys.CallerDeniedException;
import io.hearth.runtime.keys.CallerDeniedException.Reason;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/** Deny by default on the admin resources: a request that reached one without the admin role is refused (401). */
@Provider
@AdminOnly
@Priority(Priorities.AUTHORIZATION)
public class AdminRoleFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext security = request.getSecurityContext();
        if (security == null || !security.isUserInRole("admin")) {
            throw new CallerDeniedException(Reason.UNAUTHENTICATED, "admin endpoints need the admin login: HTTP basic with user admin "
                    + "and the server's admin password (HEARTH_ADMIN_PASSWORD)");
        }
    }
}
