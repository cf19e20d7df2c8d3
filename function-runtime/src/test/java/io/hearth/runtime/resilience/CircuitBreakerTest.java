package io.hearth.runtime.resilience;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-model breaker: opens on the failure ratio over its window, lets one trial through after the delay. */
class CircuitBreakerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void opensAtTheFailureRatioAndClosesAfterASuccessfulTrial() {
        CircuitBreaker b = new CircuitBreaker(4, 0.5, 10 * SECOND);
        long t = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, b.tryAcquire(t));
            b.succeeded();
        }
        assertEquals(0, b.tryAcquire(t));
        b.failed(t); // window: S S S F -> 1/4 below the ratio
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertEquals(0, b.tryAcquire(t));
        b.failed(t); // S S F F -> 2/4 opens it
        assertEquals(1, b.timesOpened());
        assertEquals(10 * SECOND, b.tryAcquire(t), "refused for the whole delay");
        assertEquals(SECOND, b.tryAcquire(9 * SECOND));

        assertEquals(0, b.tryAcquire(10 * SECOND), "after the delay one trial goes through");
        assertTrue(b.tryAcquire(10 * SECOND) > 0, "and only one");
        b.succeeded();
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertEquals(0, b.tryAcquire(11 * SECOND));
    }

    @Test
    void aFailedTrialOpensItAgainAndNeutralCallsFreeTheTrial() {
        CircuitBreaker b = new CircuitBreaker(1, 1.0, SECOND);
        b.tryAcquire(0);
        b.failed(0);
        assertEquals(0, b.tryAcquire(SECOND));
        b.released(); // the trial was bad input: says nothing of the model
        assertEquals(0, b.tryAcquire(SECOND), "another trial may go");
        b.failed(SECOND);
        assertEquals(2, b.timesOpened());
        assertEquals(SECOND, b.tryAcquire(SECOND));
    }

    @Test
    void oneIncidentSharedByManyCallsIsNewOnlyOnce() {
        CircuitBreaker b = new CircuitBreaker(2, 0.5, SECOND);
        RuntimeException crash = new RuntimeException("replica 1 failed");
        assertTrue(b.newIncident(crash));
        assertTrue(!b.newIncident(crash), "the other requests of the same crash do not count again");
        assertTrue(b.newIncident(new RuntimeException("replica 2 failed")));
    }
}
