package io.hearth.runtime.invoke;

/** A structured answer that {@code max_tokens} cut before it was complete: the function's settings need more tokens. */
public final class IncompleteOutputException extends RuntimeException {
    public IncompleteOutputException(String message) {
        super(message);
    }
}
