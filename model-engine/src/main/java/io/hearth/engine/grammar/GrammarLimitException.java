package io.hearth.engine.grammar;

/**
 * A grammar that grew past the engine's bounds (its size when compiled, its parses while decoding): the schema or
 * pattern that made it must be simpler. Refused for the request that brought it, never for others.
 */
public final class GrammarLimitException extends IllegalArgumentException {
    public GrammarLimitException(String message) {
        super(message);
    }
}
