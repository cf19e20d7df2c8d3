package io.hearth.runtime.invoke;

import io.hearth.pool.Embedding;
import io.hearth.pool.ModelRequest;
import io.hearth.runtime.resilience.ModelCalls;

/** Model calls for tests whose functions only generate: written as a lambda; an embedding is a test error. */
@FunctionalInterface
interface GeneratingCalls extends ModelCalls {
    @Override
    default Embedding embed(String model, ModelRequest request) {
        throw new AssertionError("this test's functions do not embed");
    }
}
