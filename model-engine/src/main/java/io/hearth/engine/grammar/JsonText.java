package io.hearth.engine.grammar;

import java.util.ArrayList;
import java.util.List;

/** Grammar pieces of JSON text itself: characters inside a string (escaped where JSON requires), numbers, whitespace. */
final class JsonText {
    /** Whitespace between tokens: as the model likes, but never more than this many characters in a row. */
    static final int MAX_WHITESPACE = 12;
    /** Digits of an integer part and of a fraction: enough for a long or a double, and never endless. */
    static final int MAX_DIGITS = 16;

    private JsonText() {
    }

    static final ByteSet CONTINUATION = ByteSet.range(0x80, 0xBF);
    static final ByteSet DIGIT = ByteSet.range('0', '9');
    static final ByteSet HEX = ByteSet.ascii("0-9a-fA-F");

    /** Any character beyond ASCII as well-formed UTF-8 (no overlong forms, no surrogates). */
    static final Expr MULTIBYTE = Expr.alt(
            Expr.seq(Expr.bytes(ByteSet.range(0xC2, 0xDF)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xE0)), Expr.bytes(ByteSet.range(0xA0, 0xBF)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.range(0xE1, 0xEC).union(ByteSet.range(0xEE, 0xEF))), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xED)), Expr.bytes(ByteSet.range(0x80, 0x9F)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xF0)), Expr.bytes(ByteSet.range(0x90, 0xBF)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.range(0xF1, 0xF3)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xF4)), Expr.bytes(ByteSet.range(0x80, 0x8F)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)));

    /**
     * Any character beyond ASCII except the line terminators regex engines keep out of {@code .} (U+0085, U+2028,
     * U+2029), so a pattern's {@code .} matches in Java's and ECMAScript's regexes alike.
     */
    static final Expr MULTIBYTE_NOT_LINE_END = Expr.alt(
            Expr.seq(Expr.bytes(ByteSet.of(0xC2)), Expr.bytes(ByteSet.range(0x80, 0x84).union(ByteSet.range(0x86, 0xBF)))),
            Expr.seq(Expr.bytes(ByteSet.range(0xC3, 0xDF)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xE0)), Expr.bytes(ByteSet.range(0xA0, 0xBF)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xE2)), Expr.bytes(ByteSet.of(0x80)), Expr.bytes(ByteSet.range(0x80, 0xA7).union(ByteSet.range(0xAA, 0xBF)))),
            Expr.seq(Expr.bytes(ByteSet.of(0xE2)), Expr.bytes(ByteSet.range(0x81, 0xBF)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.range(0xE1, 0xE1).union(ByteSet.range(0xE3, 0xEC)).union(ByteSet.range(0xEE, 0xEF))), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xED)), Expr.bytes(ByteSet.range(0x80, 0x9F)), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xF0)), Expr.bytes(ByteSet.range(0x90, 0xBF)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.range(0xF1, 0xF3)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)),
            Expr.seq(Expr.bytes(ByteSet.of(0xF4)), Expr.bytes(ByteSet.range(0x80, 0x8F)), Expr.bytes(CONTINUATION), Expr.bytes(CONTINUATION)));

    /** ASCII that may stand unescaped in a JSON string. */
    static final ByteSet PLAIN_ASCII = ByteSet.range(0x20, 0x7F).minus(ByteSet.of('"')).minus(ByteSet.of('\\'));

    /** {@code \\uXXXX} outside the surrogate range, so each escape is one whole character. */
    private static final Expr UNICODE_ESCAPE = Expr.seq(Expr.literal("\\u"), Expr.alt(
            Expr.seq(Expr.bytes(ByteSet.ascii("0-9a-cA-C")), Expr.bytes(HEX), Expr.bytes(HEX), Expr.bytes(HEX)),
            Expr.seq(Expr.bytes(ByteSet.ascii("dD")), Expr.bytes(ByteSet.range('0', '7')), Expr.bytes(HEX), Expr.bytes(HEX)),
            Expr.seq(Expr.bytes(ByteSet.ascii("e-fE-F")), Expr.bytes(HEX), Expr.bytes(HEX), Expr.bytes(HEX))));

    /** One character of a JSON string's content, any character, escaped as JSON requires. */
    static final Expr STRING_CHAR = Expr.alt(Expr.bytes(PLAIN_ASCII), MULTIBYTE,
            Expr.seq(Expr.literal("\\"), Expr.bytes(ByteSet.ascii("\"\\/bfnrt"))), UNICODE_ESCAPE);

    static final Expr WHITESPACE = new Expr.Repeat(Expr.bytes(ByteSet.ascii(" \t\n\r")), 0, MAX_WHITESPACE);

    static final Expr INTEGER = Expr.seq(Expr.optional(Expr.literal("-")),
            Expr.alt(Expr.literal("0"), Expr.seq(Expr.bytes(ByteSet.range('1', '9')), new Expr.Repeat(Expr.bytes(DIGIT), 0, MAX_DIGITS - 1))));

    /** A number a double holds: 16 significant digits at most, an exponent of at most two digits (no 1e999). */
    static final Expr NUMBER = Expr.seq(INTEGER,
            Expr.optional(Expr.seq(Expr.literal("."), new Expr.Repeat(Expr.bytes(DIGIT), 1, MAX_DIGITS))),
            Expr.optional(Expr.seq(Expr.bytes(ByteSet.ascii("eE")), Expr.optional(Expr.bytes(ByteSet.of('+').union(ByteSet.of('-')))),
                    new Expr.Repeat(Expr.bytes(DIGIT), 1, 2))));

    /** A character as it must be written inside a JSON string: itself, or its escape. */
    static Expr escaped(int codePoint) {
        return switch (codePoint) {
            case '"' -> Expr.literal("\\\"");
            case '\\' -> Expr.literal("\\\\");
            case '\n' -> Expr.literal("\\n");
            case '\t' -> Expr.literal("\\t");
            case '\r' -> Expr.literal("\\r");
            case '\b' -> Expr.literal("\\b");
            case '\f' -> Expr.literal("\\f");
            default -> codePoint < 0x20 ? Expr.literal(String.format("\\u%04x", codePoint)) : Expr.literal(Character.toString(codePoint));
        };
    }

    /**
     * A set of ASCII characters (and, if {@code withNonAscii}, every other character) as the text a JSON string
     * holds: the characters JSON escapes become their escapes.
     */
    static Expr charClass(ByteSet ascii, boolean withNonAscii) {
        return charClass(ascii, withNonAscii ? MULTIBYTE : null);
    }

    /** As above, with {@code nonAscii} the characters beyond ASCII it holds (null: none). */
    static Expr charClass(ByteSet ascii, Expr nonAscii) {
        List<Expr> choices = new ArrayList<>();
        ByteSet plain = ascii.minus(ByteSet.range(0, 0x1F)).minus(ByteSet.of('"')).minus(ByteSet.of('\\')).minus(ByteSet.range(0x80, 0xFF));
        if (!plain.isEmpty()) choices.add(Expr.bytes(plain));
        for (int c = 0; c < 0x20; c++) if (ascii.contains(c)) choices.add(escaped(c));
        if (ascii.contains('"')) choices.add(escaped('"'));
        if (ascii.contains('\\')) choices.add(escaped('\\'));
        if (nonAscii != null) choices.add(nonAscii);
        if (choices.isEmpty()) throw new IllegalArgumentException("the character class matches nothing");
        return Expr.alt(choices);
    }
}
