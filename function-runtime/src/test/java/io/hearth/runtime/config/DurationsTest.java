package io.hearth.runtime.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durations are read in every form people write and the form admin answers print (ISO-8601). */
class DurationsTest {
    @Test
    void shortFormsAndIso8601AreTheSame() {
        assertEquals(Duration.ofSeconds(3), Durations.parse("PT3S"), "what /admin/pools prints is accepted back");
        assertEquals(Duration.ofSeconds(3), Durations.parse("pt3s"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("3s"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("3"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("PT10M"));
        assertEquals(Duration.ofMinutes(10), Durations.parse(" 10m "));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    }

    @Test
    void anythingElseSaysWhatToWrite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("ten minutes"));
        assertTrue(e.getMessage().contains("PT3S") && e.getMessage().contains("10m"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("99999999999999999999s"));
    }
}
