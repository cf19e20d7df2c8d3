package io.hearth.pool;

/** A model call ran past the deadline its caller set; it was cancelled and its KV blocks freed. */
public final class DeadlineExceededException extends RuntimeException {
    public DeadlineExceededException(String message) {
        super(message);
    }
}
