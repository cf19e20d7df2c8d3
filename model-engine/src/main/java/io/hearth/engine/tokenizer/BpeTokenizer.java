package io.hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2-style byte-level BPE ({@code tokenizer.ggml.model = gpt2}): the pre-tokenizer splits text into words, each
 * word's UTF-8 bytes are mapped to printable characters (GPT-2's byte↔unicode table), and adjacent symbols merge by
 * the rank of their pair in {@code tokenizer.ggml.merges}, lowest rank first.
 */
final class BpeTokenizer extends Tokenizer {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private final PreTokenizer preTokenizer;
    private final Map<String, Integer> mergeRanks;
    /** Llama 3 emits a whole pre-tokenized word as one token when the vocabulary has it, skipping merges. */
    private final boolean ignoreMerges;

    BpeTokenizer(Vocabulary vocab, PreTokenizer preTokenizer) {
        super(vocab);
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = preTokenizer.ignoresMerges();
        String[] merges = vocab.mergesOrEmpty();
        this.mergeRanks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) mergeRanks.putIfAbsent(merges[i], i);
    }

    static String byteEncode(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(chars);
    }

    @Override
    protected void encodeText(String text, boolean afterSpecialOrStart, List<Integer> out) {
        for (String word : preTokenizer.split(text)) {
            String symbols = byteEncode(word);
            if (ignoreMerges) {
                int whole = vocab.id(symbols);
                if (whole >= 0) {
                    out.add(whole);
                    continue;
                }
            }
            List<String> merged = SymbolMerger.merge(symbols, (s, from, mid, to) -> {
                Integer rank = mergeRanks.get(s.substring(from, mid) + " " + s.substring(mid, to));
                return rank == null ? Double.NaN : -rank;
            });
            for (String symbol : merged) {
                int id = vocab.id(symbol);
                if (id >= 0) {
                    out.add(id);
                } else {
                    for (char c : symbol.toCharArray()) {
                        int single = vocab.id(String.valueOf(c));
                        if (single >= 0) out.add(single);
                    }
                }
            }
        }
    }

    @Override
    public byte[] pieceBytes(int token, boolean renderControl) {
        String text = vocab.tokens[token];
        switch (vocab.types[token]) {
            case TokenType.CONTROL:
                return renderControl ? text.getBytes(StandardCharsets.UTF_8) : new byte[0];
            case TokenType.USER_DEFINED:
                return text.getBytes(StandardCharsets.UTF_8);
            default:
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                    if (b >= 0) bytes.write(b);
                    else bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
                return bytes.toByteArray();
        }
    }
}
