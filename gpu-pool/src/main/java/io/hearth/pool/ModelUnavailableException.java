package io.hearth.pool;

/** The model asked for is not configured in this pool (or failed to load). */
public final class ModelUnavailableException extends RuntimeException {
    public ModelUnavailableException(String message) {
        super(message);
    }
}
