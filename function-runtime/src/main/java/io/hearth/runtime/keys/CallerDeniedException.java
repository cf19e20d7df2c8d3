package io.hearth.runtime.keys;

/**
 * An invocation refused before it runs, for who is calling: no key or a bad one (401), a key not allowed to call
 * this (403), or over its rate limit or token quota (429, with when to retry).
 */
public class CallerDeniedException extends RuntimeException {
    /** Why, as the HTTP status and error code a client sees. */
    public enum Reason {
        UNAUTHENTICATED(401, "invalid_api_key"),
        FORBIDDEN(403, "function_not_allowed"),
        RATE_LIMITED(429, "rate_limited"),
        QUOTA_EXCEEDED(429, "quota_exceeded");

        public final int status;
        public final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    private final Reason reason;
    private final long retryAfterSeconds;

    public CallerDeniedException(Reason reason, String message, long retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public CallerDeniedException(Reason reason, String message) {
        this(reason, message, 0);
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds until a retry can succeed (429 only). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
