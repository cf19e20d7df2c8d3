package io.hearth.runtime.invoke;

/** An invocation ran past its function's timeout (504). */
public final class FunctionTimeoutException extends RuntimeException {
    public FunctionTimeoutException(String message) {
        super(message);
    }
}
