package io.hearth.runtime.invoke;

/**
 * @param model      the model that served its calls (the function's, or its fallback)
 * @param output     text for prompt functions, any JSON value for java functions
 * @param queueMillis time its model calls waited for a replica
 * @param ttftMillis  time to the first generated token (-1 when no token was generated)
 * @param coldStart   the replica load its model call waited for, or null when a warm replica served it
 * @param prefix      how its prompts met the prefix cache
 * @param toolCalls   the tools the model called (a function named as the model of a chat with tools); empty when none
 */
public record InvocationResult(String function, String version, String model, Object output, String finishReason, int promptTokens,
                               int completionTokens, double queueMillis, double ttftMillis, double totalMillis,
                               io.hearth.pool.ColdStart coldStart, io.hearth.pool.PrefixReuse prefix,
                               java.util.List<io.hearth.engine.tools.ToolCall> toolCalls) {
}
