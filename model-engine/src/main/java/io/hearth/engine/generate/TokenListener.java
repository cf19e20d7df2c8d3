package io.hearth.engine.generate;

import io.hearth.engine.sample.TokenLogprob;

/** Receives generation as it happens: each token, with the text it completed (possibly empty, see Utf8Assembler). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int token, String text);

    /**
     * A token with its log-probability, where the call asked for them (null otherwise, and for text held back until
     * the end). Listeners that relay tokens to another pass it on; the rest take the token and its text.
     */
    default void onToken(int token, String text, TokenLogprob logprob) {
        onToken(token, text);
    }

    /** What relays tokens with their log-probabilities: the one method a {@link #relaying} listener has. */
    @FunctionalInterface
    interface Relay {
        void onToken(int token, String text, TokenLogprob logprob);
    }

    /** A listener that hands both forms to {@code relay}, the log-probability null where none came. */
    static TokenListener relaying(Relay relay) {
        return new TokenListener() {
            @Override
            public void onToken(int token, String text) {
                relay.onToken(token, text, null);
            }

            @Override
            public void onToken(int token, String text, TokenLogprob logprob) {
                relay.onToken(token, text, logprob);
            }
        };
    }

    /** This listener with {@code before} run ahead of each token, whichever form it comes in (counting, timing). */
    default TokenListener peeking(Runnable before) {
        TokenListener inner = this;
        return new TokenListener() {
            @Override
            public void onToken(int token, String text) {
                before.run();
                inner.onToken(token, text);
            }

            @Override
            public void onToken(int token, String text, TokenLogprob logprob) {
                before.run();
                inner.onToken(token, text, logprob);
            }
        };
    }

    TokenListener NONE = (token, text) -> {
    };
}
