package io.hearth.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A grammar expression over bytes, as the schema and pattern compilers write it; {@link GrammarBuilder} turns named
 * expressions into a {@link Grammar}.
 */
public sealed interface Expr {
    /** One byte from a set. */
    record Bytes(ByteSet set) implements Expr {
    }

    /** The parts one after another. */
    record Seq(List<Expr> parts) implements Expr {
    }

    /** One of the choices. */
    record Alt(List<Expr> choices) implements Expr {
    }

    /** Another rule of the grammar, by name: what makes recursion possible. */
    record Ref(String rule) implements Expr {
    }

    /** {@code min} to {@code max} times ({@code max} {@link #UNBOUNDED}: any number). */
    record Repeat(Expr body, int min, int max) implements Expr {
    }

    int UNBOUNDED = -1;
    Expr EMPTY = new Seq(List.of());

    static Expr seq(Expr... parts) {
        return parts.length == 1 ? parts[0] : new Seq(List.of(parts));
    }

    static Expr seq(List<Expr> parts) {
        return parts.size() == 1 ? parts.getFirst() : new Seq(List.copyOf(parts));
    }

    static Expr alt(List<Expr> choices) {
        return choices.size() == 1 ? choices.getFirst() : new Alt(List.copyOf(choices));
    }

    static Expr alt(Expr... choices) {
        return alt(List.of(choices));
    }

    static Expr optional(Expr body) {
        return new Repeat(body, 0, 1);
    }

    static Expr bytes(ByteSet set) {
        return new Bytes(set);
    }

    /** The UTF-8 bytes of the text, in order. */
    static Expr literal(String text) {
        List<Expr> parts = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) parts.add(new Bytes(ByteSet.of(b & 0xFF)));
        return seq(parts);
    }
}
