package io.hearth.engine.tokenizer;

import io.hearth.engine.gguf.GgufFile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token table and the special-token settings of a GGUF file ({@code tokenizer.ggml.*}), with llama.cpp's
 * defaults where a key is absent.
 */
public final class Vocabulary {
    /** Texts of control tokens that end a turn in common chat formats, as llama.cpp recognises them. */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<|endoftext|>", "<|end_of_text|>", "<end_of_turn>", "<|eom_id|>", "</s>", "<|END_OF_TURN_TOKEN|>");

    final String model;
    final String pre;
    final String[] tokens;
    final float[] scores;
    private final String[] merges;
    final int[] types;
    final Map<String, Integer> ids;
    final int bos, eos, unk;
    final boolean addBos, addEos, addSpacePrefix;
    final List<Integer> specialsLongestFirst;
    private final boolean[] endOfGeneration;

    private Vocabulary(GgufFile file) {
        this.model = file.string("tokenizer.ggml.model");
        this.pre = file.string("tokenizer.ggml.pre", "default");
        this.tokens = file.array("tokenizer.ggml.tokens", String[].class);
        this.merges = file.has("tokenizer.ggml.merges") ? file.array("tokenizer.ggml.merges", String[].class) : new String[0];
        this.scores = file.has("tokenizer.ggml.scores") ? file.array("tokenizer.ggml.scores", float[].class) : null;
        int[] storedTypes = file.has("tokenizer.ggml.token_type") ? file.array("tokenizer.ggml.token_type", int[].class) : null;
        this.types = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) types[i] = storedTypes != null ? storedTypes[i] : TokenType.NORMAL;
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) ids.putIfAbsent(tokens[i], i);
        boolean spm = "llama".equals(model);
        this.bos = tokenId(file, "tokenizer.ggml.bos_token_id", spm ? 1 : -1);
        this.eos = tokenId(file, "tokenizer.ggml.eos_token_id", spm ? 2 : -1);
        this.unk = tokenId(file, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1);
        this.addBos = file.bool("tokenizer.ggml.add_bos_token", spm) && bos >= 0;
        this.addEos = file.bool("tokenizer.ggml.add_eos_token", false) && eos >= 0;
        this.addSpacePrefix = file.bool("tokenizer.ggml.add_space_prefix", spm);

        List<Integer> specials = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED || types[i] == TokenType.UNKNOWN) {
                if (!tokens[i].isEmpty()) specials.add(i);
            }
        }
        specials.sort(Comparator.comparingInt((Integer id) -> -tokens[id].length()).thenComparingInt(id -> id));
        this.specialsLongestFirst = List.copyOf(specials);

        this.endOfGeneration = new boolean[tokens.length];
        markEndOfGeneration(eos);
        markEndOfGeneration(tokenId(file, "tokenizer.ggml.eot_token_id", -1));
        markEndOfGeneration(tokenId(file, "tokenizer.ggml.eom_token_id", -1));
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == TokenType.CONTROL && END_OF_GENERATION_TEXTS.contains(tokens[i])) endOfGeneration[i] = true;
        }
    }

    public static Vocabulary from(GgufFile file) {
        return new Vocabulary(file);
    }

    private int tokenId(GgufFile file, String key, int fallback) {
        int id = file.integer(key, fallback);
        return id >= 0 && id < tokens.length ? id : -1;
    }

    private void markEndOfGeneration(int id) {
        if (id >= 0) endOfGeneration[id] = true;
    }

    String[] mergesOrEmpty() {
        return merges;
    }

    public int size() {
        return tokens.length;
    }

    public String token(int id) {
        return tokens[id];
    }

    public int id(String text) {
        return ids.getOrDefault(text, -1);
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    /** The token's {@link TokenType}. */
    public int type(int id) {
        return types[id];
    }

    /** A token the tokenizer matches as a whole in text (control, user-defined, unknown): text after it starts anew. */
    boolean isSpecial(int id) {
        return types[id] == TokenType.CONTROL || types[id] == TokenType.USER_DEFINED || types[id] == TokenType.UNKNOWN;
    }

    public boolean isEndOfGeneration(int id) {
        return id >= 0 && id < endOfGeneration.length && endOfGeneration[id];
    }
}
