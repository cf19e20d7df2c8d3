package io.hearth.runtime.errors;

/** What an admin request is told when its login is missing or wrong, and when its address is locked out after failed logins. */
public final class AdminLockout {
    public static final String LOGIN_NEEDED = "admin endpoints need the admin login: HTTP basic with user admin and the server's admin "
            + "password (HEARTH_ADMIN_PASSWORD)";

    private AdminLockout() {
    }

    public static String body(long seconds) {
        return "{\"error\":{\"message\":\"too many failed admin logins from this address; try again in " + seconds
                + " s\",\"type\":\"rate_limit_error\"}}";
    }
}
