package io.hearth.pool;

import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.tools.ToolCallFormat;

/**
 * What a model call produced, the model that served it, how long it waited in its replica's queue before it was
 * admitted, the cold start it waited for (null when a warm replica served it), where its prompt's cached prefix
 * came from, and, for a call with tools, its answer read as text and tool calls (null without tools).
 */
public record Completion(String model, GenerationResult generation, long queuedNanos, ColdStart coldStart, PrefixReuse prefix,
                         ToolCallFormat.Answer toolAnswer) implements ServedCall<Completion> {
    @Override
    public Completion withColdStart(ColdStart start) {
        return new Completion(model, generation, queuedNanos, start, prefix, toolAnswer);
    }
}
