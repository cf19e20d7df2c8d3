package io.hearth.engine.grammar;

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

    /** Collects the stacks a set of frames leads to once every rule reference on top is expanded. */
    private static final class Expansion {
        private final Grammar grammar;
        private final List<Frame> found = new ArrayList<>(4);
        private Set<Frame> seen;
        private boolean canEnd;

        Expansion(Grammar grammar) {
            this.grammar = grammar;
        }

        void frame(Frame f) {
            while (true) {
                if (f == null) {
                    canEnd = true;
                    return;
                }
                switch (grammar.kind[f.pos]) {
                    case Grammar.BYTES -> {
                        add(f);
                        return;
                    }
                    case Grammar.END -> f = f.parent;
                    default -> {
                        // a reference last in its alternative returns straight to the caller: loops stay flat
                        Frame next = grammar.kind[f.pos + 1] == Grammar.END ? f.parent : new Frame(f.pos + 1, f.parent);
                        rule(grammar.arg[f.pos], next);
                        return;
                    }
                }
            }
        }

        void rule(int rule, Frame returnTo) {
            for (int start : grammar.alternatives[rule]) frame(new Frame(start, returnTo));
        }

        private void add(Frame f) {
            if (found.size() < 8) {
                for (Frame g : found) if (g.equals(f)) return;
                found.add(f);
                return;
            }
            if (seen == null) seen = new HashSet<>(found);
            if (seen.add(f)) found.add(f);
        }

        boolean isEmpty() {
            return found.isEmpty() && !canEnd;
        }

        GrammarState state() {
            return new GrammarState(grammar, found.toArray(Frame[]::new), canEnd);
        }
    }
}
