package io.hearth.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * The decimal spellings of the integers in [min, max], as a grammar: split by sign and digit count, then digit by
 * digit (the way a regex for a number range is written by hand). An open end stops at nine digits, so an integer
 * the schema leaves unbounded fits the 32-bit int a typed client (a Java record's {@code int}) reads it into.
 */
final class IntegerRanges {
    private static final long LARGEST = 9_999_999_999_999_999L; // 16 digits: what a double holds exactly
    static final long OPEN_END = 999_999_999L;

    private IntegerRanges() {
    }

    /** @param min the least integer, or null for no bound; @param max the greatest, or null */
    static Expr of(Long min, Long max) {
        // an open end reaches nine digits, or as many as the other bound has
        long lo = Math.max(min != null ? min : -Math.max(OPEN_END, max != null && max < 0 ? nines(max) : 0), -LARGEST);
        long hi = Math.min(max != null ? max : Math.max(OPEN_END, lo > 0 ? nines(lo) : 0), LARGEST);
        if (lo > hi) throw new UnsupportedSchemaException("minimum", "minimum " + min + " is above maximum " + max);
        List<Expr> choices = new ArrayList<>();
        if (lo < 0) {
            long negLo = Math.max(1, hi < 0 ? -hi : 1), negHi = -lo; // -negHi ≤ n ≤ -negLo
            choices.add(Expr.seq(Expr.literal("-"), positive(negLo, negHi)));
        }
        if (hi >= 0) choices.add(positiveOrZero(Math.max(lo, 0), hi));
        return Expr.alt(choices);
    }

    private static Expr positiveOrZero(long lo, long hi) {
        if (lo == 0) return hi == 0 ? Expr.literal("0") : Expr.alt(Expr.literal("0"), positive(1, hi));
        return positive(lo, hi);
    }

    /** 1 ≤ lo ≤ hi: split into runs of one digit count. */
    private static Expr positive(long lo, long hi) {
        List<Expr> choices = new ArrayList<>();
        for (int digits = Long.toString(lo).length(); digits <= Long.toString(hi).length(); digits++) {
            long first = Math.max(lo, pow10(digits - 1)), last = Math.min(hi, pow10(digits) - 1);
            if (first <= last) choices.add(sameLength(Long.toString(first), Long.toString(last)));
        }
        return Expr.alt(choices);
    }

    /** Every string of the same length between lo and hi (as digits). */
    private static Expr sameLength(String lo, String hi) {
        int n = lo.length();
        if (n == 0) return Expr.EMPTY;
        char a = lo.charAt(0), b = hi.charAt(0);
        String loRest = lo.substring(1), hiRest = hi.substring(1);
        if (a == b) return Expr.seq(Expr.literal(String.valueOf(a)), sameLength(loRest, hiRest));
        if (loRest.chars().allMatch(c -> c == '0') && hiRest.chars().allMatch(c -> c == '9')) {
            return Expr.seq(Expr.bytes(ByteSet.range(a, b)), anyDigits(n - 1));
        }
        List<Expr> choices = new ArrayList<>();
        choices.add(Expr.seq(Expr.literal(String.valueOf(a)), sameLength(loRest, "9".repeat(n - 1))));
        if (b - a > 1) choices.add(Expr.seq(Expr.bytes(ByteSet.range(a + 1, b - 1)), anyDigits(n - 1)));
        choices.add(Expr.seq(Expr.literal(String.valueOf(b)), sameLength("0".repeat(n - 1), hiRest)));
        return Expr.alt(choices);
    }

    private static Expr anyDigits(int n) {
        return n == 0 ? Expr.EMPTY : new Expr.Repeat(Expr.bytes(JsonText.DIGIT), n, n);
    }

    /** The largest number with as many digits as {@code v}. */
    private static long nines(long v) {
        return pow10(Long.toString(Math.abs(v)).length()) - 1;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }
}
