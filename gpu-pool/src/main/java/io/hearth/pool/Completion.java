package io.hearth.pool;

import io.hearth.engine.generate.GenerationResult;

/**
 * What a model call produced, the model that served it, how long it waited in its replica's queue before it was
 * admitted, and the cold start it waited for (null when a warm replica served it).
 */
public record Completion(String model, GenerationResult generation, long queuedNanos, ColdStart coldStart) {
}
