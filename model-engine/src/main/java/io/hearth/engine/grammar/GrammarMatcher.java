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
    private final VocabularyIndex vocab;
    private final Tokenizer tokenizer;
    private final byte[] trigger;
    private final ByteArrayOutputStream beforeTrigger;
    private GrammarState state;

    public GrammarMatcher(Grammar grammar, Tokenizer tokenizer) {
        this.vocab = VocabularyIndex.of(tokenizer);
        this.masks = TokenMasks.of(grammar, vocab);
        this.tokenizer = tokenizer;
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
        if (state == null) return true;
        long[] mask = masks.mask(state, vocab);
        boolean any = false;
        int n = Math.min(logits.length, vocab.size());
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
        if (vocab.isEndOfGeneration(token)) return state == null || state.canEnd;
        byte[] bytes = vocab.bytes(token);
        // a trigger may be a control token (Mistral's [TOOL_CALLS]): its text counts while the trigger is awaited
        if (state == null) return watchForTrigger(bytes != null ? bytes : tokenizer.pieceBytes(token, true));
        if (bytes == null) return false;
        GrammarState next = feed(state, bytes, 0);
        if (next == null) return false;
        state = next;
        return true;
    }

    /**
     * Free text until the trigger shows; from its first byte on, the grammar. A trigger whose token goes on with
     * bytes the grammar does not allow (Llama 3's {@code {"name"} in an answer that is ordinary JSON) is not a call:
     * the text stays free and the watch goes on.
     */
    private boolean watchForTrigger(byte[] bytes) {
        if (bytes != null) beforeTrigger.writeBytes(bytes);
        byte[] seen = beforeTrigger.toByteArray();
        for (int at = indexOf(seen, trigger, 0); at >= 0; at = indexOf(seen, trigger, at + 1)) {
            GrammarState started = feed(masks.start(), seen, at);
            if (started != null) {
                state = started;
                return true;
            }
        }
        // only a trigger's start can still be here: keep the bytes it could span, so the watch stays linear
        beforeTrigger.reset();
        beforeTrigger.write(seen, Math.max(0, seen.length - trigger.length + 1), Math.min(seen.length, trigger.length - 1));
        return true;
    }

    private static GrammarState feed(GrammarState from, byte[] bytes, int offset) {
        GrammarState s = from;
        for (int i = offset; i < bytes.length && s != null; i++) s = s.advance(bytes[i] & 0xFF);
        return s;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
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
        return state == null || state.canEnd;
    }
}
