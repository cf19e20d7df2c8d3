package io.hearth.pool;

/**
 * The model asked for cannot serve: not configured here ({@code configured} false: the caller named something that
 * does not exist), or configured but failed to load ({@code configured} true: the server's problem, for now).
 */
public final class ModelUnavailableException extends RuntimeException {
    private final boolean configured;

    public ModelUnavailableException(String message) {
        this(message, false);
    }

    public ModelUnavailableException(String message, boolean configured) {
        super(message);
        this.configured = configured;
    }

    public boolean configured() {
        return configured;
    }
}
