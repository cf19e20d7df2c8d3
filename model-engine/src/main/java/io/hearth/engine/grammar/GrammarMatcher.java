package io.hearth.engine.grammar;

import io.hearth.engine.tokenizer.Tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One sequence's place in its grammar: masks the logits of each step to the tokens that keep the output inside the
 * grammar, and follows the tokens chosen. A grammar with a {@linkplain Grammar#trigger() trigger} waits until the
 * output contains the trigger text, then holds the output to the grammar from the trigger on.
 */
public final class GrammarMatcher {
    private final TokenMasks masks;
    private final byte[] trigger;
    private final ByteArrayOutputStream beforeTrigger;
    private GrammarState state;
    private boolean failed;

    public GrammarMatcher(Grammar grammar, Tokenizer tokenizer) {
        this.masks = TokenMasks.of(grammar, VocabularyIndex.of(tokenizer));
        this.trigger = grammar.trigger() == null ? null : grammar.trigger().getBytes(StandardCharsets.UTF_8);
        this.beforeTrigger = trigger == null ? null : new ByteArrayOutputStream();
        this.state = trigger == null ? masks.start() : null;
    }

    /** Whether the grammar holds the output yet (a triggered grammar: once its trigger has appeared). */
    public boolean active() {
        return state != null;
    }

    /**
     * Sets the logits of every token the grammar does not allow next to −∞, before any sampling filter runs.
     *
     * @return whether any token is still allowed; false means the grammar cannot go on with this vocabulary
     */
    public boolean mask(float[] logits) {
        if (state == null) return !failed;
        long[] mask = masks.mask(state);
        boolean any = false;
        int n = Math.min(logits.length, masks.vocabulary().size());
        for (int w = 0; w * 64 < n; w++) {
            long bits = mask[w];
            int base = w * 64, end = Math.min(base + 64, n);
            if (bits == 0) {
                Arrays.fill(logits, base, end, Float.NEGATIVE_INFINITY);
                continue;
            }
            any = true;
            if (bits == -1L) continue;
            for (int i = base; i < end; i++) if ((bits & (1L << i)) == 0) logits[i] = Float.NEGATIVE_INFINITY;
        }
        if (logits.length > n) Arrays.fill(logits, n, logits.length, Float.NEGATIVE_INFINITY);
        return any;
    }

    /**
     * Follows a chosen token. End-of-generation tokens are accepted where the grammar may end.
     *
     * @return false if the grammar does not allow the token (it was not chosen through {@link #mask})
     */
    public boolean accept(int token) {
        VocabularyIndex vocab = masks.vocabulary();
        if (vocab.isEndOfGeneration(token)) return state == null || state.canEnd;
        byte[] bytes = vocab.bytes(token);
        if (state == null) return watchForTrigger(bytes);
        if (bytes == null) return false;
        GrammarState next = feed(state, bytes, 0);
        if (next == null) return false;
        state = next;
        return true;
    }

    private boolean watchForTrigger(byte[] bytes) {
        if (failed) return false;
        if (bytes != null) beforeTrigger.writeBytes(bytes);
        byte[] seen = beforeTrigger.toByteArray();
        int at = indexOf(seen, trigger);
        if (at < 0) return true;
        GrammarState started = feed(masks.start(), seen, at);
        if (started == null) {
            failed = true;
            return false;
        }
        state = started;
        return true;
    }

    private static GrammarState feed(GrammarState from, byte[] bytes, int offset) {
        GrammarState s = from;
        for (int i = offset; i < bytes.length && s != null; i++) s = s.advance(bytes[i] & 0xFF);
        return s;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Whether the output is a complete sentence of the grammar and nothing more may follow. */
    public boolean complete() {
        return state != null && state.complete();
    }

    /** Whether the output may end here (a triggered grammar that has not started yet may end anywhere). */
    public boolean canEnd() {
        return state == null ? !failed : state.canEnd;
    }
}
