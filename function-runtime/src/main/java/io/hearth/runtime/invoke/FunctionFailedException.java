package io.hearth.runtime.invoke;

/** A java function threw: its own error, reported to the caller by type and message, never by stack trace. */
public final class FunctionFailedException extends RuntimeException {
    public FunctionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
