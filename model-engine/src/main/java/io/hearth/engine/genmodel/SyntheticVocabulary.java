package io.hearth.engine.genmodel;

import io.hearth.engine.tokenizer.TokenType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SentencePiece-style vocabulary for generated models, built from nothing but this class, so an offline machine
 * can make a complete, tokenizable model: control tokens (BOS, EOS, ChatML turn markers), all 256 byte-fallback
 * tokens, printable ASCII, common English words with every prefix (SPM only reaches a token through merges of
 * tokens), then pseudo-words to the requested size. Scores prefer longer pieces.
 */
final class SyntheticVocabulary {
    private static final String WORDS = "the of and to a in is you that it he was for on are as with his they at be this"
            + " have from or one had by word but not what all were we when your can said there use an each which she do how"
            + " their if will up other about out many then them these so some her would make like him into time has look two"
            + " more write go see number no way could people my than first water been call who oil its now find long down day"
            + " did get come made may part hello world function model answer question please thank help story once upon"
            + " little girl boy named lily loved play park happy friend";

    final String[] tokens;
    final float[] scores;
    final int[] types;

    private SyntheticVocabulary(String[] tokens, float[] scores, int[] types) {
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
    }

    static SyntheticVocabulary of(int size) {
        Map<String, Integer> pieces = new LinkedHashMap<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        add(pieces, scores, types, "<unk>", 0f, TokenType.UNKNOWN);
        add(pieces, scores, types, "<s>", 0f, TokenType.CONTROL);
        add(pieces, scores, types, "</s>", 0f, TokenType.CONTROL);
        add(pieces, scores, types, "<|im_start|>", 0f, TokenType.CONTROL);
        add(pieces, scores, types, "<|im_end|>", 0f, TokenType.CONTROL);
        for (int b = 0; b < 256; b++) add(pieces, scores, types, String.format("<0x%02X>", b), 0f, TokenType.BYTE);
        add(pieces, scores, types, "\u2581", -1f, TokenType.NORMAL);
        for (char c = 33; c < 127; c++) add(pieces, scores, types, String.valueOf(c), -1f, TokenType.NORMAL);
        for (String word : WORDS.split(" ")) {
            String piece = "\u2581" + word;
            for (int end = 2; end <= piece.length(); end++) add(pieces, scores, types, piece.substring(0, end), end, TokenType.NORMAL);
        }
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fu", "go", "hi", "jo", "pe", "ze"};
        for (int n = 0; pieces.size() < size; n++) {
            StringBuilder word = new StringBuilder("\u2581");
            for (int k = n; ; k /= syllables.length) {
                word.append(syllables[k % syllables.length]);
                if (k < syllables.length) break;
            }
            add(pieces, scores, types, word.toString(), -2f, TokenType.NORMAL);
        }
        if (pieces.size() > size) throw new IllegalArgumentException("vocabulary size " + size + " is below the " + pieces.size() + " built-in pieces");
        float[] s = new float[scores.size()];
        int[] t = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        return new SyntheticVocabulary(pieces.keySet().toArray(String[]::new), s, t);
    }

    private static void add(Map<String, Integer> pieces, List<Float> scores, List<Integer> types, String piece, float score, int type) {
        if (pieces.putIfAbsent(piece, pieces.size()) == null) {
            scores.add(score);
            types.add(type);
        }
    }
}
