package io.hearth.runtime.errors;

/** The answer to an admin request from an address locked out after failed logins, right password or not. */
public final class AdminLockout {
    private AdminLockout() {
    }

    public static String body(long seconds) {
        return "{\"error\":{\"message\":\"too many failed admin logins from this address; try again in " + seconds
                + " s\",\"type\":\"rate_limit_error\"}}";
    }
}
