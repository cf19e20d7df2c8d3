package io.hearth.runtime.keys;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.pool.ModelRequest;

import java.nio.charset.StandardCharsets;

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

    /** Template markup a chat template adds around each message (role headers, separators), in tokens, at most. */
    int MARKUP_PER_MESSAGE = 32;

    /**
     * The most tokens a call can use: a token covers at least one byte of the rendered prompt (special tokens being
     * single tokens of markup), so the text's UTF-8 length bounds the prompt; the pool refuses prompts over
     * {@code maxPromptTokens}, so that bounds it too.
     */
    static long bound(ModelRequest request) {
        long prompt = request.prompt() != null ? utf8Length(request.prompt()) + MARKUP_PER_MESSAGE : MARKUP_PER_MESSAGE;
        if (request.messages() != null) {
            for (ChatMessage m : request.messages()) prompt += utf8Length(m.content()) + MARKUP_PER_MESSAGE;
        }
        if (request.maxPromptTokens() > 0) prompt = Math.min(prompt, request.maxPromptTokens());
        return prompt + request.sampling().maxTokens();
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
