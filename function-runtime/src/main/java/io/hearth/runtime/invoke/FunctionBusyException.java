package io.hearth.runtime.invoke;

/** The function is at its concurrency limit; the caller should retry shortly (429 with Retry-After). */
public final class FunctionBusyException extends RuntimeException {
    public FunctionBusyException(String message) {
        super(message);
    }
}
