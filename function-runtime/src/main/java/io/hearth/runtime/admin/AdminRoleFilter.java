package io.hearth.runtime.admin;

import io.hearth.runtime.errors.AdminRefusal;
import io.hearth.runtime.keys.CallerDeniedException.Reason;
import io.hearth.runtime.keys.CallerDeniedException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Deny by default on the admin resources: a request that reached one without the admin role is refused (401). (An
 * address locked out after failed logins never gets here: {@link AdminLockoutFilter} answers it first.)
 */
@Provider
@AdminOnly
@Priority(Priorities.AUTHORIZATION)
public class AdminRoleFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext security = request.getSecurityContext();
        if (security == null || !security.isUserInRole("admin")) {
            throw new CallerDeniedException(Reason.UNAUTHENTICATED, AdminRefusal.LOGIN_NEEDED);
        }
    }
}
