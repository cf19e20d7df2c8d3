package io.hearth.pool;

/**
 * When the next call to a model is due, from the gaps between its recent calls. Only regular traffic is predicted:
 * at least {@link #MIN_GAPS} gaps whose spread (coefficient of variation) is at most {@link #MAX_SPREAD}; bursty
 * or rare traffic predicts nothing. Arrivals within one gap's tenth of the previous count as one (a burst of
 * concurrent calls is one arrival of demand). Thread-safe.
 */
final class ArrivalForecast {
    static final int MIN_GAPS = 3;
    static final double MAX_SPREAD = 0.25;
    private static final int KEPT = 8;

    private final long[] gaps = new long[KEPT];
    private int count, next;
    private long last = Long.MIN_VALUE;

    synchronized void arrived(long now) {
        if (last != Long.MIN_VALUE) {
            long gap = now - last;
            long mean = meanGap();
            if (mean > 0 && gap < mean / 10) return; // part of the same burst
            gaps[next] = gap;
            next = (next + 1) % KEPT;
            count = Math.min(KEPT, count + 1);
        }
        last = now;
    }

    /** The mean gap when traffic is regular, else 0. */
    synchronized long regularGap() {
        if (count < MIN_GAPS) return 0;
        double mean = meanGap(), squares = 0;
        for (int i = 0; i < count; i++) squares += (gaps[i] - mean) * (gaps[i] - mean);
        double spread = Math.sqrt(squares / count) / mean;
        return spread <= MAX_SPREAD ? (long) mean : 0;
    }

    /**
     * Whether a call is due between {@code now} and {@code now + lead}, or was due a little ago (up to half a gap:
     * the replica waits that long for a late caller before idle rules apply again).
     */
    synchronized boolean dueWithin(long now, long lead) {
        long gap = regularGap();
        if (gap == 0) return false;
        long due = last + gap;
        return now >= due - lead && now <= due + gap / 2;
    }

    private long meanGap() {
        if (count == 0) return 0;
        long sum = 0;
        for (int i = 0; i < count; i++) sum += gaps[i];
        return sum / count;
    }
}
