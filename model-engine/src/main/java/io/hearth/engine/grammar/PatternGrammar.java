package io.hearth.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Schema {@code pattern} as the content of a JSON string. The subset: literals, {@code .}, classes
 * {@code [a-z0-9_]} and {@code [^...]} of ASCII characters, {@code \d \w \s} and their negations, escaped
 * punctuation, groups {@code (...)} and {@code (?:...)}, alternation {@code |}, quantifiers {@code * + ? {n} {n,}
 * {n,m}} (a lazy {@code ?} after them changes nothing here), {@code ^} at the start and {@code $} at the end. As JSON
 * Schema says, a pattern without {@code ^} or {@code $} may match anywhere in the string, so any text may come before
 * or after. Anything else (backreferences, lookaround, {@code \b}, non-ASCII characters inside a class) is refused.
 */
final class PatternGrammar {
    /** {@code .}: any character but a line terminator (\n, \r, U+0085, U+2028, U+2029), as Java's and ECMAScript's regexes read it. */
    private static final Expr ANY_CHAR = JsonText.charClass(ByteSet.range(0, 0x7F).minus(ByteSet.of('\n')).minus(ByteSet.of('\r')), JsonText.MULTIBYTE_NOT_LINE_END);
    private static final Expr ANY_TEXT = new Expr.Repeat(ANY_CHAR, 0, Expr.UNBOUNDED);

    private final String pattern;
    private int pos;

    private PatternGrammar(String pattern) {
        this.pattern = pattern;
    }

    static Expr compile(String pattern) {
        PatternGrammar p = new PatternGrammar(pattern);
        boolean anchoredStart = pattern.startsWith("^");
        if (anchoredStart) p.pos = 1;
        Expr body = p.alternation();
        boolean anchoredEnd = false;
        if (p.pos < pattern.length() && pattern.charAt(p.pos) == '$' && p.pos == pattern.length() - 1) {
            anchoredEnd = true;
            p.pos++;
        }
        if (p.pos < pattern.length()) throw p.refuse("unexpected '" + pattern.charAt(p.pos) + "'");
        List<Expr> parts = new ArrayList<>();
        if (!anchoredStart) parts.add(ANY_TEXT);
        parts.add(body);
        if (!anchoredEnd) parts.add(ANY_TEXT);
        return Expr.seq(parts);
    }

    private Expr alternation() {
        List<Expr> choices = new ArrayList<>();
        choices.add(concatenation());
        while (pos < pattern.length() && pattern.charAt(pos) == '|') {
            pos++;
            choices.add(concatenation());
        }
        return Expr.alt(choices);
    }

    private Expr concatenation() {
        List<Expr> parts = new ArrayList<>();
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            if (c == '|' || c == ')') break;
            if (c == '$' && pos == pattern.length() - 1) break;
            parts.add(quantified(atom()));
        }
        return parts.isEmpty() ? Expr.EMPTY : Expr.seq(parts);
    }

    private Expr quantified(Expr atom) {
        if (pos >= pattern.length()) return atom;
        char c = pattern.charAt(pos);
        int min, max;
        switch (c) {
            case '*' -> { min = 0; max = Expr.UNBOUNDED; pos++; }
            case '+' -> { min = 1; max = Expr.UNBOUNDED; pos++; }
            case '?' -> { min = 0; max = 1; pos++; }
            case '{' -> {
                int close = pattern.indexOf('}', pos);
                if (close < 0) throw refuse("'{' without '}'");
                String[] bounds = pattern.substring(pos + 1, close).split(",", -1);
                try {
                    min = Integer.parseInt(bounds[0].trim());
                    max = bounds.length == 1 ? min : bounds[1].isBlank() ? Expr.UNBOUNDED : Integer.parseInt(bounds[1].trim());
                } catch (NumberFormatException e) {
                    throw refuse("bad repetition " + pattern.substring(pos, close + 1));
                }
                if (bounds.length > 2 || min < 0 || (max != Expr.UNBOUNDED && max < min) || Math.max(min, max) > JsonSchemaGrammar.MAX_COUNT) {
                    throw refuse("bad repetition " + pattern.substring(pos, close + 1) + " (bounds up to " + JsonSchemaGrammar.MAX_COUNT + ")");
                }
                pos = close + 1;
            }
            default -> {
                return atom;
            }
        }
        if (pos < pattern.length() && pattern.charAt(pos) == '?') pos++; // lazy: the same strings
        if (pos < pattern.length() && "*+?{".indexOf(pattern.charAt(pos)) >= 0) throw refuse("a quantifier after a quantifier");
        if (max != 0 && matchesEmpty(atom) && (max == Expr.UNBOUNDED || max > 1)) throw refuse("a repeated part that can match empty text");
        return new Expr.Repeat(atom, min, max);
    }

    private Expr atom() {
        char c = pattern.charAt(pos++);
        return switch (c) {
            case '(' -> {
                if (pattern.startsWith("?:", pos)) pos += 2;
                else if (pos < pattern.length() && pattern.charAt(pos) == '?') throw refuse("lookaround and named groups are not supported");
                Expr inner = alternation();
                if (pos >= pattern.length() || pattern.charAt(pos) != ')') throw refuse("'(' without ')'");
                pos++;
                yield inner;
            }
            case '[' -> characterClass();
            case '.' -> ANY_CHAR;
            case '\\' -> escape(false).expr();
            case '^', '$' -> throw refuse("'" + c + "' is supported only at the start and the end");
            case '*', '+', '?', '{' -> throw refuse("a quantifier with nothing before it");
            case ')' -> throw refuse("')' without '('");
            default -> {
                int cp = pattern.codePointAt(pos - 1);
                pos += Character.charCount(cp) - 1;
                yield JsonText.escaped(cp);
            }
        };
    }

    /**
     * An escape: a class (\d, \w, \s and negations) or one character. {@code \S} keeps to ASCII: which characters
     * beyond it are spaces differs between regex engines, and an answer must match in all of them.
     */
    private record Escape(ByteSet ascii, boolean negated, int codePoint) {
        Expr expr() {
            if (ascii == null) return JsonText.escaped(codePoint);
            boolean spaces = ascii.contains(' ');
            return negated ? JsonText.charClass(ByteSet.range(0, 0x7F).minus(ascii), !spaces) : JsonText.charClass(ascii, false);
        }
    }

    private Escape escape(boolean inClass) {
        if (pos >= pattern.length()) throw refuse("a pattern may not end with '\\'");
        char c = pattern.charAt(pos++);
        return switch (c) {
            case 'd' -> new Escape(ByteSet.ascii("0-9"), false, 0);
            case 'D' -> new Escape(ByteSet.ascii("0-9"), true, 0);
            case 'w' -> new Escape(ByteSet.ascii("a-zA-Z0-9_"), false, 0);
            case 'W' -> new Escape(ByteSet.ascii("a-zA-Z0-9_"), true, 0);
            case 's' -> new Escape(ByteSet.ascii(" \t\n\r\f").union(ByteSet.of(0x0B)), false, 0);
            case 'S' -> new Escape(ByteSet.ascii(" \t\n\r\f").union(ByteSet.of(0x0B)), true, 0);
            case 'n' -> new Escape(null, false, '\n');
            case 't' -> new Escape(null, false, '\t');
            case 'r' -> new Escape(null, false, '\r');
            case 'f' -> new Escape(null, false, '\f');
            case 'b' -> {
                if (inClass) yield new Escape(null, false, '\b');
                throw refuse("\\b (word boundary) is not supported");
            }
            default -> {
                if (Character.isLetterOrDigit(c)) throw refuse("\\" + c + " is not supported");
                yield new Escape(null, false, c);
            }
        };
    }

    private Expr characterClass() {
        boolean negated = pos < pattern.length() && pattern.charAt(pos) == '^';
        if (negated) pos++;
        ByteSet set = ByteSet.range(1, 0);
        boolean first = true;
        while (true) {
            if (pos >= pattern.length()) throw refuse("'[' without ']'");
            char c = pattern.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            pos++;
            int from;
            if (c == '\\') {
                Escape e = escape(true);
                if (e.ascii() != null) {
                    set = set.union(e.negated() ? ByteSet.range(0, 0x7F).minus(e.ascii()) : e.ascii());
                    continue;
                }
                from = e.codePoint();
            } else {
                from = c;
            }
            int to = from;
            if (pos + 1 < pattern.length() && pattern.charAt(pos) == '-' && pattern.charAt(pos + 1) != ']') {
                pos++;
                char end = pattern.charAt(pos++);
                to = end == '\\' ? escape(true).codePoint() : end;
                if (to < from) throw refuse("a class range runs backwards");
            }
            if (to > 0x7F) throw refuse("non-ASCII characters in a class are not supported");
            set = set.union(ByteSet.range(from, to));
        }
        // a negated class that excludes the space keeps to ASCII, as \S does
        return negated ? JsonText.charClass(ByteSet.range(0, 0x7F).minus(set), !set.contains(' ')) : JsonText.charClass(set, false);
    }

    /** Whether an expression of this compiler (no rule references) can match empty text. */
    private static boolean matchesEmpty(Expr e) {
        return switch (e) {
            case Expr.Bytes b -> false;
            case Expr.Seq s -> s.parts().stream().allMatch(PatternGrammar::matchesEmpty);
            case Expr.Alt a -> a.choices().stream().anyMatch(PatternGrammar::matchesEmpty);
            case Expr.Repeat r -> r.min() == 0 || matchesEmpty(r.body());
            case Expr.Ref r -> false;
        };
    }

    private UnsupportedSchemaException refuse(String why) {
        return new UnsupportedSchemaException("pattern", "pattern " + pattern + ": " + why);
    }
}
