package io.hearth.runtime.resilience;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A retried stream resumes where the client's copy ends, and refuses to continue one that diverged. */
class ResumingListenerTest {
    @Test
    void aRetryDeliversOnlyWhatTheClientHasNotSeen() {
        StringBuilder client = new StringBuilder();
        ResumingListener l = new ResumingListener((token, text) -> client.append(text));
        assertEquals(0, l.newAttempt());
        assertFalse(l.deliveredAny());
        l.onToken(1, "a");
        l.onToken(2, "b");
        assertEquals(1, l.newAttempt(), "the second attempt");
        l.onToken(1, "a");
        l.onToken(2, "b");
        l.onToken(3, "c");
        assertEquals("abc", client.toString());
        assertTrue(l.deliveredAny());
    }

    @Test
    void aDivergedRetryIsRefused() {
        ResumingListener l = new ResumingListener((token, text) -> { });
        l.newAttempt();
        l.onToken(1, "a");
        l.newAttempt();
        assertThrows(IllegalStateException.class, () -> l.onToken(9, "z"));
    }
}
