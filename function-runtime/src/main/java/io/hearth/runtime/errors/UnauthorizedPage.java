package io.hearth.runtime.errors;

import io.hearth.runtime.admin.AdminLogins;
import io.hearth.runtime.audit.AuditLog;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The container's 401 for {@code /admin/*} (web.xml routes the error here): the same JSON error shape as every other
 * error, saying what to send, instead of the server's own page. A request that sent credentials is a failed login:
 * audited (the user it tried, the address, the path as received) and counted against its address
 * ({@link AdminLogins}); once the address is locked out the answer is 429 with Retry-After. The challenge header
 * stays the container's.
 */
@WebServlet("/errors/unauthorized")
public class UnauthorizedPage extends HttpServlet {
    private static final String BODY = ApiError.of(401, AdminRefusal.LOGIN_NEEDED, "login_needed", null).json();

    @Inject
    AdminLogins logins;
    @Inject
    AuditLog audit;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String authorization = request.getHeader("Authorization");
        String address = request.getRemoteAddr();
        if (authorization != null) {
            logins.failed(address);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("time", Instant.now().toString());
            entry.put("event", "admin_login_failed");
            entry.put("who", attemptedUser(authorization));
            entry.put("from", address);
            entry.put("method", request.getMethod());
            entry.put("path", String.valueOf(request.getAttribute("jakarta.servlet.error.request_uri")));
            entry.put("status", 401);
            audit.write(entry);
        }
        long locked = logins.lockedForSeconds(address);
        if (locked > 0) {
            AdminRefusal.lockedOut(response, locked);
            return;
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(BODY);
    }

    /** The user name a basic login tried (never the password); "unknown" when the header is not basic. */
    private static String attemptedUser(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) return "unknown";
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "unknown" : decoded.substring(0, Math.min(colon, 64));
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }
}
