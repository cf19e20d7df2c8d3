package io.hearth.runtime.invoke;

/** A caller's input refused by the function's guards (a deny rule, or its own input guard): a 400 saying why. */
public class InputRefusedException extends RuntimeException {
    public InputRefusedException(String message) {
        super(message);
    }
}
