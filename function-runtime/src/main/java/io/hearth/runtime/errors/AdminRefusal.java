package io.hearth.runtime.errors;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** What an admin request is told when its login is missing or wrong, and when its address is locked out after failed logins. */
public final class AdminRefusal {
    public static final String LOGIN_NEEDED = "admin endpoints need the admin login: HTTP basic with user admin and the server's admin "
            + "password (HEARTH_ADMIN_PASSWORD)";

    private AdminRefusal() {
    }

    /** Answers 429 with Retry-After: the address is locked out for {@code seconds} more. */
    public static void lockedOut(HttpServletResponse response, long seconds) throws IOException {
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(seconds));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(ApiError.of(429, "too many failed admin logins from this address; try again in " + seconds + " s",
                "login_locked_out", null).json());
    }
}
