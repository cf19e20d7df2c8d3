package io.hearth.engine.sample;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still be the start of a stop string is held back, so a
 * stop string is never partly emitted; once one is found, nothing from it on is emitted.
 */
public final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Adds text and returns the part that is safe to emit now. */
    public String accept(String text) {
        if (stopped) return "";
        held.append(text);
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) earliest = at;
        }
        if (earliest >= 0) {
            stopped = true;
            String out = held.substring(0, earliest);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, held.length()); k > keep; k--) {
                if (held.substring(held.length() - k).equals(stop.substring(0, k))) {
                    keep = k;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The held-back text at the end of generation (it did not become a stop string). */
    public String flush() {
        String out = stopped ? "" : held.toString();
        held.setLength(0);
        return out;
    }
}
