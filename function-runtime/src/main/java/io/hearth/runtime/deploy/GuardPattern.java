package io.hearth.runtime.deploy;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.function.IntPredicate;

/**
 * A guard's regular expression, matched in time linear in the input (RE2/J: no backtracking, so no input makes a
 * pattern run for hours, and a 1 MiB body is screened in milliseconds). RE2 has no lookaround; the built-in kinds
 * say instead what may not come just before a match ({@code notBefore}, checked around each candidate, which is
 * retried one character on when refused) and what must follow it (a character class or the end, matched but not
 * part of the match), as the lookarounds they replace did.
 */
public final class GuardPattern {
    /** The pattern, its match proper as group 1. */
    private final Pattern pattern;
    private final IntPredicate notBefore;

    private GuardPattern(Pattern pattern, IntPredicate notBefore) {
        this.pattern = pattern;
        this.notBefore = notBefore;
    }

    /** An operator's or author's pattern in RE2 syntax; a pattern RE2 cannot run is refused at deploy, saying where. */
    static GuardPattern compile(String regex, String where) {
        try {
            return new GuardPattern(Pattern.compile("(" + regex + ")"), c -> false);
        } catch (PatternSyntaxException e) {
            throw new ArchiveInvalidException(where + ": not a regular expression Hearth can run in linear time (RE2 syntax: no lookaround, "
                    + "no backreferences): " + e.getMessage());
        }
    }

    /**
     * A built-in pattern whose matches may not be preceded by a character in {@code notBefore} and must be followed by
     * the end of the text or a character of the class {@code followedBy} (a regular expression such as {@code [^\\d]}).
     */
    static GuardPattern bounded(String regex, IntPredicate notBefore, String followedBy) {
        return new GuardPattern(Pattern.compile("(" + regex + ")(?:" + followedBy + "|$)"), notBefore);
    }

    /** Whether the pattern matches anywhere in {@code text}. */
    public boolean find(String text) {
        Matcher m = pattern.matcher(text);
        return next(m, text, 0);
    }

    /** {@code text} with every match replaced by {@code replacement} (literal text). */
    public String replaceAll(String text, String replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int copied = 0, from = 0;
        while (from <= text.length() && next(m, text, from)) {
            if (out == null) out = new StringBuilder(text.length());
            out.append(text, copied, m.start(1)).append(replacement);
            copied = m.end(1);
            from = m.end(1) > m.start(1) ? m.end(1) : m.end(1) + 1;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Finds the next match at or after {@code from} not preceded by a refused character; a refused candidate is retried one character on. */
    private boolean next(Matcher m, String text, int from) {
        int at = from;
        while (at <= text.length() && m.find(at)) {
            if (m.start(1) == 0 || !notBefore.test(text.charAt(m.start(1) - 1))) return true;
            at = m.start(1) + 1;
        }
        return false;
    }
}
