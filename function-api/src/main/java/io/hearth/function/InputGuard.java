package io.hearth.function;

import java.util.Map;

/**
 * A function's own check of its callers' input before anything reaches a model (a prompt-injection or deny-list
 * filter), named in function.yaml as {@code guards.filter} and packaged in the function's archive. Implementations
 * need a public no-argument constructor and may be called by many invocations at once.
 */
@FunctionalInterface
public interface InputGuard {
    /** Why {@code input} is refused (the caller gets a 400 with this reason), or null to let it through. */
    String refusal(Map<String, Object> input);
}
