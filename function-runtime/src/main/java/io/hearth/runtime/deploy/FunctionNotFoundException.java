package io.hearth.runtime.deploy;

/** No deployed function (or version) of that name. */
public final class FunctionNotFoundException extends RuntimeException {
    public FunctionNotFoundException(String message) {
        super(message);
    }
}
