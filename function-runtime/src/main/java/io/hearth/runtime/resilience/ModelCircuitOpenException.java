package io.hearth.runtime.resilience;

/** A model's circuit breaker is open after repeated failures: its calls are refused (or fall back) until it probes again. */
public final class ModelCircuitOpenException extends RuntimeException {
    private final long retryAfterSeconds;

    ModelCircuitOpenException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
