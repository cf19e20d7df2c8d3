package io.hearth.runtime.errors;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The body of the container's 401 for {@code /admin/*} (web.xml routes the error here): the same JSON error shape as
 * every other error, saying what to send, instead of the server's own page. The challenge header stays the container's.
 */
@WebServlet("/errors/unauthorized")
public class UnauthorizedPage extends HttpServlet {
    private static final String BODY = "{\"error\":{\"message\":\"admin endpoints need the admin login: HTTP basic with user "
            + "admin and the server's admin password (HEARTH_ADMIN_PASSWORD)\",\"type\":\"unauthorized\"}}";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(BODY);
    }
}
