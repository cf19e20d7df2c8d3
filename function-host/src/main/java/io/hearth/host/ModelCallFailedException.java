package io.hearth.host;

/** A model call the server refused or could not serve; {@code call} lets the server answer with its own error. */
public final class ModelCallFailedException extends RuntimeException {
    private final long call;

    ModelCallFailedException(long call, String message) {
        super(message);
        this.call = call;
    }

    long call() {
        return call;
    }
}
