package io.hearth.engine.grammar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a sequence is in its grammar: every parse stack still possible (each stopped at a byte set), and whether
 * the text so far is already a complete sentence. Immutable; {@link #advance} gives the state after one byte. The
 * state is the key of the mask cache, so equality ignores the order the stacks were found in.
 */
final class GrammarState {
    /** Frames one step may expand, and stacks one state may hold: far above any JSON Schema's needs. */
    static final int MAX_EXPANSION = 200_000, MAX_STACKS = 4096;

    private final Grammar grammar;
    final Frame[] stacks;
    final boolean canEnd;
    private final int hash;

    private GrammarState(Grammar grammar, Frame[] stacks, boolean canEnd) {
        this.grammar = grammar;
        this.stacks = stacks;
        this.canEnd = canEnd;
        int h = canEnd ? 1 : 0;
        for (Frame f : stacks) h += f.hashCode() * 0x9E3779B1;
        this.hash = h;
    }

    static GrammarState start(Grammar grammar) {
        Expansion out = new Expansion(grammar);
        out.rule(grammar.root, null);
        return out.state();
    }

    /** The state after {@code b}, or null when no stack accepts it. */
    GrammarState advance(int b) {
        Expansion out = new Expansion(grammar);
        for (Frame f : stacks) {
            if (grammar.sets[grammar.arg[f.pos]].contains(b)) out.frame(new Frame(f.pos + 1, f.parent));
        }
        return out.isEmpty() ? null : out.state();
    }

    /** Whether no more text may follow: the grammar has ended on every stack. */
    boolean complete() {
        return stacks.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof GrammarState s) || s.hash != hash || s.canEnd != canEnd || s.stacks.length != stacks.length) return false;
        if (Arrays.equals(stacks, s.stacks)) return true;
        return Set.of(stacks).equals(Set.of(s.stacks));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Collects the stacks a set of frames leads to once every rule reference on top is expanded. A worklist, not
     * recursion (a long chain of optional parts must not overflow the stack), and each frame is expanded once (two
     * empty choices in a row lead to the same frames: without this, {@code (|)(|)(|)...} doubles the work per group).
     * Bounded: a grammar that expands past {@link #MAX_EXPANSION} frames or {@link #MAX_STACKS} stacks in one step is
     * refused for this sequence alone.
     */
    private static final class Expansion {
        private final Grammar grammar;
        private final List<Frame> found = new ArrayList<>(4);
        /** Frames expanded so far: a few in a small array (the usual step), a set past them. */
        private final Frame[] few = new Frame[16];
        private int fewCount;
        private Set<Frame> expanded;
        private final ArrayDeque<Frame> todo = new ArrayDeque<>();
        private Set<Frame> seen;
        private boolean canEnd;

        Expansion(Grammar grammar) {
            this.grammar = grammar;
        }

        /** Queues a frame to expand; null is the end of the grammar. */
        void frame(Frame f) {
            if (f == null) canEnd = true;
            else todo.push(f);
            drain();
        }

        void rule(int rule, Frame returnTo) {
            for (int start : grammar.alternatives[rule]) todo.push(new Frame(start, returnTo));
            drain();
        }

        private void drain() {
            while (!todo.isEmpty()) {
                Frame f = todo.pop();
                if (!firstVisit(f)) continue;
                if (expanded != null && expanded.size() > MAX_EXPANSION) {
                    throw new GrammarLimitException("the grammar expands to more than " + MAX_EXPANSION + " parse frames in one step (too many ambiguous or empty choices)");
                }
                switch (grammar.kind[f.pos]) {
                    case Grammar.BYTES -> add(f);
                    case Grammar.END -> {
                        if (f.parent == null) canEnd = true;
                        else todo.push(f.parent);
                    }
                    default -> {
                        // a reference last in its alternative returns straight to the caller: loops stay flat
                        Frame next = grammar.kind[f.pos + 1] == Grammar.END ? f.parent : new Frame(f.pos + 1, f.parent);
                        for (int start : grammar.alternatives[grammar.arg[f.pos]]) todo.push(new Frame(start, next));
                    }
                }
            }
        }

        private boolean firstVisit(Frame f) {
            if (expanded != null) return expanded.add(f);
            for (int i = 0; i < fewCount; i++) if (few[i].equals(f)) return false;
            if (fewCount < few.length) {
                few[fewCount++] = f;
                return true;
            }
            expanded = new HashSet<>(java.util.Arrays.asList(few));
            return expanded.add(f);
        }

        private void add(Frame f) {
            if (found.size() < 8) {
                for (Frame g : found) if (g.equals(f)) return;
                found.add(f);
                return;
            }
            if (seen == null) seen = new HashSet<>(found);
            if (seen.add(f)) found.add(f);
            if (found.size() > MAX_STACKS) {
                throw new GrammarLimitException("the grammar holds more than " + MAX_STACKS + " possible parses at once (choices that overlap, such as identical anyOf branches)");
            }
        }

        boolean isEmpty() {
            return found.isEmpty() && !canEnd;
        }

        GrammarState state() {
            return new GrammarState(grammar, found.toArray(Frame[]::new), canEnd);
        }
    }
}
