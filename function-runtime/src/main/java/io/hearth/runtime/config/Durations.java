package io.hearth.runtime.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations as people and tools write them, read the same way everywhere one is configured or sent (server settings,
 * function.yaml, admin changes, keep-alive hints): {@code 500ms}, {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, a
 * bare number of seconds, or ISO-8601 ({@code PT3S}, {@code PT10M}: the form admin answers print).
 */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim();
        if (t.regionMatches(true, 0, "P", 0, 1) || t.regionMatches(true, 0, "-P", 0, 2)) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        String lower = t.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith("ms")) return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2).trim()));
            if (lower.endsWith("s")) return Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1).trim()));
            if (lower.endsWith("m")) return Duration.ofMinutes(Long.parseLong(lower.substring(0, lower.length() - 1).trim()));
            if (lower.endsWith("h")) return Duration.ofHours(Long.parseLong(lower.substring(0, lower.length() - 1).trim()));
            if (lower.endsWith("d")) return Duration.ofDays(Long.parseLong(lower.substring(0, lower.length() - 1).trim()));
            return Duration.ofSeconds(Long.parseLong(lower));
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(text);
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: write 500ms, 90s, 10m, 2h, 1d, or ISO-8601 such as PT3S");
    }
}
