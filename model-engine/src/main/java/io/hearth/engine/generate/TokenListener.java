package io.hearth.engine.generate;

/** Receives generation as it happens: each token, with the text it completed (possibly empty, see Utf8Assembler). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int token, String text);

    TokenListener NONE = (token, text) -> {
    };
}
