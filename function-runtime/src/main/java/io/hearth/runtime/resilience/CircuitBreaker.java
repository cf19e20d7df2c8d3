package io.hearth.runtime.resilience;

/**
 * One model's circuit breaker, with MicroProfile Fault Tolerance's semantics: over the last {@code window} calls, a
 * failure ratio at or above {@code failureRatio} opens it; after {@code delay} it lets one trial call through
 * (half-open), which closes it on success or opens it again on failure. Calls that neither succeed nor fail for the
 * model's sake (bad input, a busy queue, a client gone) are not counted. MP FT keeps one breaker per annotated
 * method; the pool needs one per model, hence this class.
 */
final class CircuitBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int window;
    private final double failureRatio;
    private final long delayNanos;
    private final boolean[] outcomes;
    private int next, recorded, failures;
    private State state = State.CLOSED;
    private long openedAt;
    private boolean trialRunning;
    private long timesOpened;
    /** The failure last counted, so one incident shared by many calls counts once. */
    private Throwable lastIncident;

    CircuitBreaker(int window, double failureRatio, long delayNanos) {
        this.window = window;
        this.failureRatio = failureRatio;
        this.delayNanos = delayNanos;
        this.outcomes = new boolean[window];
    }

    /** Lets a call through, or returns the nanoseconds until the breaker will let one through. */
    synchronized long tryAcquire(long now) {
        if (state == State.OPEN) {
            long waited = now - openedAt;
            if (waited < delayNanos) return delayNanos - waited;
            state = State.HALF_OPEN;
            trialRunning = false;
        }
        if (state == State.HALF_OPEN) {
            if (trialRunning) return Math.max(1, delayNanos / 10);
            trialRunning = true;
        }
        return 0;
    }

    synchronized void succeeded() {
        if (state == State.HALF_OPEN) {
            state = State.CLOSED;
            next = recorded = failures = 0;
            return;
        }
        record(false);
    }

    synchronized void failed(long now) {
        if (state == State.HALF_OPEN) {
            open(now);
            return;
        }
        record(true);
        if (recorded >= window && failures >= failureRatio * recorded) open(now);
    }

    /** Whether {@code incident} has not been counted yet (and is now the last one seen). */
    synchronized boolean newIncident(Throwable incident) {
        if (incident == lastIncident) return false;
        lastIncident = incident;
        return true;
    }

    /** A call that says nothing about the model's health ended: a half-open breaker may try another. */
    synchronized void released() {
        if (state == State.HALF_OPEN) trialRunning = false;
    }

    /** Nanoseconds until the breaker lets a call through (0: now), without taking a half-open breaker's trial. */
    synchronized long waitNanos(long now) {
        if (state == State.OPEN && now - openedAt < delayNanos) return delayNanos - (now - openedAt);
        return 0;
    }

    synchronized State state() {
        return state == State.OPEN && System.nanoTime() - openedAt >= delayNanos ? State.HALF_OPEN : state;
    }

    synchronized long timesOpened() {
        return timesOpened;
    }

    private void record(boolean failure) {
        if (recorded == window && outcomes[next]) failures--;
        outcomes[next] = failure;
        if (failure) failures++;
        next = (next + 1) % window;
        recorded = Math.min(window, recorded + 1);
    }

    private void open(long now) {
        state = State.OPEN;
        openedAt = now;
        timesOpened++;
        next = recorded = failures = 0;
    }
}
