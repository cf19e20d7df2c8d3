package io.hearth.pool;

/** A prompt longer than the limit its caller set (a function's max_input_tokens): the request is well formed but too large. */
public final class PromptTooLongException extends RuntimeException {
    public PromptTooLongException(int tokens, int limit) {
        super("the prompt has " + tokens + " tokens, above the limit of " + limit);
    }
}
