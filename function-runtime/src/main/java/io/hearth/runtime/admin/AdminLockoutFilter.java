package io.hearth.runtime.admin;

import io.hearth.runtime.errors.AdminRefusal;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * An address locked out after failed admin logins ({@link AdminLogins}) gets 429 for every {@code /admin} request, with
 * the right password too, whatever its path or method: answered here, before any resource is matched, so neither a
 * 404 for a made-up path nor a 405 tells a right guess from a wrong one. (A wrong password never gets this far: the
 * container's refusal is answered as 429 by {@code UnauthorizedPage} while the address is locked.)
 */
@WebFilter("/admin/*")
public class AdminLockoutFilter extends HttpFilter {
    @Inject
    AdminLogins logins;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        long locked = logins.lockedForSeconds(request.getRemoteAddr());
        if (locked == 0) {
            chain.doFilter(request, response);
            return;
        }
        AdminRefusal.lockedOut(response, locked);
    }
}
