package io.hearth.runtime.invoke;

/**
 * @param output text for prompt functions, any JSON value for java functions
 */
public record InvocationResult(String function, String version, Object output, String finishReason, int promptTokens,
                               int completionTokens) {
}
