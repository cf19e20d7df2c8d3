package io.hearth.runtime.keys;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.tools.ToolCall;
import io.hearth.engine.tools.ToolDefinition;
import io.hearth.pool.ModelRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A caller's token quota as model calls see it: each call reserves the most it can use (its prompt's bound plus
 * {@code max_tokens}) before it runs, and settles what it used when it ends, so concurrent calls cannot together
 * spend past the quota: one that would not fit is refused (429) before it starts.
 */
@FunctionalInterface
public interface TokenBudget {
    /** The budget of an anonymous caller, or of a key without a quota that is charged elsewhere: no limit. */
    TokenBudget UNLIMITED = request -> used -> { };

    /** Tokens reserved for a call; settled once with what it used (0 when it failed before producing any). */
    @FunctionalInterface
    interface Hold {
        void settle(long used);
    }

    /** Reserves the most {@code request} can use; a refusal (429) when that does not fit the caller's quota. */
    Hold reserve(ModelRequest request);

    /**
     * The reservations of several calls of one request, one per call in order. Each settles once (settling again does
     * nothing); closing settles those whose call never ran with nothing, so a request closes them whatever happened.
     */
    record Reservations(List<Hold> holds) implements AutoCloseable {
        public Hold get(int call) {
            return holds.get(call);
        }

        @Override
        public void close() {
            holds.forEach(h -> h.settle(0));
        }
    }

    /** Reserves for several calls of one request before any runs, all or none: a refusal releases what was reserved. */
    default Reservations reserveAll(List<ModelRequest> requests) {
        List<Hold> holds = new ArrayList<>();
        try {
            for (ModelRequest r : requests) {
                Hold hold = reserve(r);
                AtomicBoolean settled = new AtomicBoolean();
                holds.add(used -> {
                    if (settled.compareAndSet(false, true)) hold.settle(used);
                });
            }
        } catch (RuntimeException refused) {
            new Reservations(holds).close();
            throw refused;
        }
        return new Reservations(List.copyOf(holds));
    }

    /** Template markup a chat template adds around each message (role headers, separators), in tokens, at most. */
    int MARKUP_PER_MESSAGE = 32;
    /**
     * What a template may add once per conversation beyond its messages: a default system prompt (Qwen's), a date
     * header (Llama 3.2's).
     */
    int MARKUP_PER_CONVERSATION = 128;
    /** The instructions a template (or Hearth's generic tool prompt) writes around tool definitions: well under this. */
    int MARKUP_FOR_TOOLS = 1024;

    /**
     * The most tokens a call can use: a token covers at least one byte of the rendered prompt (special tokens being
     * single tokens of markup), so the text's UTF-8 length bounds the prompt; the pool refuses prompts over
     * {@code maxPromptTokens}, so that bounds it too.
     */
    static long bound(ModelRequest request) {
        return promptBound(request) + (request.sampling() == null ? 0 : request.sampling().maxTokens()); // an embedding generates nothing
    }

    /** The most tokens the prompt of {@code request} can be: what a call that fails after its prefill is charged, with what it generated. */
    static long promptBound(ModelRequest request) {
        // a raw text or token ids get at most the tokenizer's BOS and EOS; a conversation its template's markup
        long prompt = (request.messages() != null ? MARKUP_PER_CONVERSATION : 2) + (request.prompt() != null ? utf8Length(request.prompt()) : 0)
                + (request.tokens() != null ? request.tokens().length : 0);
        if (request.messages() != null) {
            for (ChatMessage m : request.messages()) {
                prompt += utf8Length(m.content()) + utf8Length(m.toolCallId()) + MARKUP_PER_MESSAGE;
                for (ToolCall c : m.toolCalls()) prompt += utf8Length(c.id()) + utf8Length(c.name()) + jsonLength(c.arguments()) + MARKUP_PER_MESSAGE;
            }
        }
        if (request.tools() != null) {
            // the tools' definitions are written into the prompt, with the template's (or the generic) instructions
            prompt += MARKUP_FOR_TOOLS;
            for (ToolDefinition t : request.tools().tools()) {
                prompt += utf8Length(t.name()) + jsonLength(t.description()) + (t.parameters() == null ? 0 : jsonLength(t.parameters().toString())) + MARKUP_PER_MESSAGE;
            }
        }
        return request.maxPromptTokens() > 0 ? Math.min(prompt, request.maxPromptTokens()) : prompt;
    }

    /**
     * Runs a model call against the budget: its most reserved first; settled with what it used when it completes, and,
     * when it fails, with its prompt's bound plus the tokens it had delivered (a caller who drops a stream near its end
     * still pays for it), or nothing when it failed before a token came.
     */
    default <T> T charged(ModelRequest request, Function<TokenListener, T> call, TokenListener listener, ToLongFunction<T> used) {
        return charged(reserve(request), request, call, listener, used);
    }

    /** As above, against a reservation already made (a stream reserves before it starts: a refusal keeps its 429). */
    static <T> T charged(Hold hold, ModelRequest request, Function<TokenListener, T> call, TokenListener listener, ToLongFunction<T> used) {
        AtomicLong delivered = new AtomicLong();
        T result;
        try {
            result = call.apply(listener.peeking(delivered::incrementAndGet));
        } catch (RuntimeException e) {
            hold.settle(delivered.get() == 0 ? 0 : promptBound(request) + delivered.get());
            throw e;
        }
        hold.settle(used.applyAsLong(result));
        return result;
    }

    /**
     * Bytes of a text as a template writes it inside JSON ({@code tojson}): escapes make a control character six bytes
     * and a quote two, so a token still covers at most this much.
     */
    private static long jsonLength(String text) {
        return text == null ? 0 : com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsUTF8(text).length;
    }

    private static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
