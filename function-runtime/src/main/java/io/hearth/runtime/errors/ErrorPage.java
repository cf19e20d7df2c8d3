package io.hearth.runtime.errors;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The body of errors the container answers before the API sees the request (a path it refuses to decode, such as
 * {@code %2F} in a segment; an exception outside the API): the API's JSON error shape, with no stack frame, no
 * container code and no echo of the URL. web.xml routes 400, 403, 404, 405 and 500 here.
 */
@WebServlet("/errors/page")
public class ErrorPage extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute("jakarta.servlet.error.status_code");
        int status = code instanceof Integer i ? i : 500;
        String message = switch (status) {
            case 400 -> "the request cannot be read as sent (its path or headers are malformed)";
            case 403 -> "this is not allowed";
            case 500 -> "internal error; the server log has the details";
            default -> ErrorMapper.routing(status);
        };
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(ApiError.of(status, message, null, null).json());
    }
}
