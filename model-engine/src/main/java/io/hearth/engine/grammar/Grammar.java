package io.hearth.engine.grammar;

/**
 * A compiled grammar over bytes: rules made of alternatives, each a run of elements in one flat array (a byte set, a
 * reference to a rule, or the end of the alternative). It holds no per-sequence state and no vocabulary, so one
 * compiled grammar serves every sequence and every model; {@link GrammarMatcher} walks it.
 */
public final class Grammar {
    static final int BYTES = 0, RULE = 1, END = 2;

    final int[] kind;
    /** For BYTES, an index into {@link #sets}; for RULE, the rule. */
    final int[] arg;
    final ByteSet[] sets;
    /** Per rule, where each of its alternatives starts in the element arrays. */
    final int[][] alternatives;
    final int root;
    /** An optional text that must appear in the output before the grammar applies (a tool call's opening marker). */
    final String trigger;
    private final String description;
    /** The token masks of this grammar per vocabulary ({@link TokenMasks}): they live as long as the grammar does. */
    final java.util.Map<VocabularyIndex, TokenMasks> masks = new java.util.WeakHashMap<>();

    Grammar(int[] kind, int[] arg, ByteSet[] sets, int[][] alternatives, int root, String trigger, String description) {
        this.kind = kind;
        this.arg = arg;
        this.sets = sets;
        this.alternatives = alternatives;
        this.root = root;
        this.trigger = trigger;
        this.description = description;
    }

    /**
     * This grammar applied lazily: output is free until {@code text} appears in it, and from there on (the trigger
     * text included) it must match the grammar.
     */
    public Grammar triggeredBy(String text) {
        return new Grammar(kind, arg, sets, alternatives, root, text, description);
    }

    public String trigger() {
        return trigger;
    }

    @Override
    public String toString() {
        return description;
    }
}
