package io.hearth.function;

import java.util.Map;

/**
 * A java function: takes the caller's JSON input (as maps, lists, strings, numbers, booleans) and returns a JSON
 * value. Implementations need a public no-argument constructor; one instance serves many invocations at once.
 * Throw {@link IllegalArgumentException} for input the caller must fix (the caller gets a 400 with its message);
 * any other exception is the function failing (500, its type and message).
 */
@FunctionalInterface
public interface Function {
    Object handle(Map<String, Object> input, FunctionContext context) throws Exception;
}
