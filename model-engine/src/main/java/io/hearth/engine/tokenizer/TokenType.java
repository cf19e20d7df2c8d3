package io.hearth.engine.tokenizer;

/** Token types as stored in {@code tokenizer.ggml.token_type}. */
public final class TokenType {
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    private TokenType() {
    }
}
