package io.hearth.runtime.admin;

import io.hearth.runtime.errors.AdminLockout;
import io.hearth.runtime.keys.CallerDeniedException.Reason;
import io.hearth.runtime.keys.CallerDeniedException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Deny by default on the admin resources: a request that reached one without the admin role is refused (401), and
 * one from an address locked out after failed logins is refused (429) even with the right password, so the answer
 * never confirms a guess ({@link AdminLogins}).
 */
@Provider
@AdminOnly
@Priority(Priorities.AUTHORIZATION)
public class AdminRoleFilter implements ContainerRequestFilter {
    @Inject
    AdminLogins logins;
    @Context
    HttpServletRequest servlet;

    @Override
    public void filter(ContainerRequestContext request) {
        long locked = logins.lockedForSeconds(servlet.getRemoteAddr());
        if (locked > 0) {
            request.abortWith(Response.status(429).header("Retry-After", Long.toString(locked)).type(MediaType.APPLICATION_JSON)
                    .entity(AdminLockout.body(locked)).build());
            return;
        }
        SecurityContext security = request.getSecurityContext();
        if (security == null || !security.isUserInRole("admin")) {
            throw new CallerDeniedException(Reason.UNAUTHENTICATED, "admin endpoints need the admin login: HTTP basic with user admin "
                    + "and the server's admin password (HEARTH_ADMIN_PASSWORD)");
        }
    }
}
