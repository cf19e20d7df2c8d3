package io.hearth.pool;

/**
 * The replica a request ran or waited on failed (a backend error, or ops killed it), through no fault of the
 * request: the same request may be retried on another replica. The pool replaces the failed one.
 */
public final class ReplicaFailedException extends RuntimeException {
    public ReplicaFailedException(String message) {
        super(message);
    }

    public ReplicaFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
