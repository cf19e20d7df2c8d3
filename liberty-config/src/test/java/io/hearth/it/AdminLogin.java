package io.hearth.it;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The test server's operator account: requests to /admin/* carry it, as an ops script would. */
final class AdminLogin {
    static final String USER = "admin";
    static final String PASSWORD = System.getProperty("hearth.it.admin.password", "it-admin-password");

    private AdminLogin() {
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the admin credentials to a request for an admin path; other paths are left anonymous. */
    static HttpRequest.Builder forPath(HttpRequest.Builder request, String path) {
        return path.startsWith("/admin") ? request.header("Authorization", basic(USER, PASSWORD)) : request;
    }
}
