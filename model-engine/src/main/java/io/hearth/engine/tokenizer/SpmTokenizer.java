package io.hearth.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}): spaces become ▁, an optional leading space,
 * then character pairs merge by the score of the merged token; a character without a token falls back to its
 * UTF-8 bytes as {@code <0xXX>} tokens.
 */
final class SpmTokenizer extends Tokenizer {
    private static final byte[] UNKNOWN_PIECE = "\u2585".getBytes(StandardCharsets.UTF_8);
    private final int[] byteTokens = new int[256];

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
    }

    @Override
    protected void encodeText(String text, boolean afterSpecialOrStart, List<Integer> out) {
        String escaped = ((vocab.addSpacePrefix && afterSpecialOrStart) ? " " + text : text).replace(' ', '\u2581');
        List<String> symbols = SymbolMerger.merge(escaped, (s, from, mid, to) -> {
            int id = vocab.id(s.substring(from, to));
            return id < 0 ? Double.NaN : vocab.scores == null ? 0 : vocab.scores[id];
        });
        for (String symbol : symbols) {
            int id = vocab.id(symbol);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte b : symbol.getBytes(StandardCharsets.UTF_8)) {
                int byteToken = byteTokens[b & 0xFF];
                out.add(byteToken >= 0 ? byteToken : vocab.unk);
            }
        }
    }

    @Override
    public byte[] pieceBytes(int token, boolean renderControl) {
        String text = vocab.tokens[token];
        return switch (vocab.types[token]) {
            case TokenType.BYTE -> new byte[]{(byte) Integer.parseInt(text.substring(3, 5), 16)};
            case TokenType.CONTROL -> renderControl ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case TokenType.UNKNOWN -> UNKNOWN_PIECE;
            default -> text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        };
    }
}
