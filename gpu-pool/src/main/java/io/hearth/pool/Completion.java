package io.hearth.pool;

import io.hearth.engine.generate.GenerationResult;

/**
 * What a model call produced, the model that served it, how long it waited in its replica's queue before it was
 * admitted, the cold start it waited for (null when a warm replica served it) and where its prompt's cached prefix
 * came from.
 */
public record Completion(String model, GenerationResult generation, long queuedNanos, ColdStart coldStart, PrefixReuse prefix) {
}
