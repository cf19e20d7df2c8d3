package io.hearth.pool;

import io.hearth.engine.generate.GenerationResult;

/** What a model call produced, and how long it waited for its replica before it started. */
public record Completion(GenerationResult generation, long queuedNanos) {
}
