package io.hearth.engine.tokenizer;

import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.gguf.GgufFormatException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text ↔ token ids as llama.cpp does it for the same GGUF: special tokens are split out first, then each run of
 * plain text is tokenized by the vocabulary's algorithm; BOS/EOS are added as the file's metadata says.
 */
public abstract class Tokenizer {
    protected final Vocabulary vocab;

    protected Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    public static Tokenizer from(GgufFile file) {
        Vocabulary vocab = Vocabulary.from(file);
        return switch (vocab.model) {
            case "llama" -> new SpmTokenizer(vocab);
            case "gpt2" -> new BpeTokenizer(vocab, PreTokenizer.forName(vocab.pre, file.path()));
            default -> throw new GgufFormatException(file.path(), "tokenizer model '" + vocab.model
                    + "' is not supported (supported: llama, gpt2)");
        };
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /**
     * @param addSpecial   add BOS (and EOS) where the vocabulary asks for them
     * @param parseSpecial recognise control tokens such as {@code <|im_start|>} written in the text
     */
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        return encode(SpecialTokenSplitter.split(vocab, text, parseSpecial), addSpecial);
    }

    /**
     * Marks where a caller's text starts inside a rendered prompt (a Unicode noncharacter, which no text exchanged
     * between programs carries): within the marks control tokens are not recognised, as llama.cpp's
     * {@code parse_special=false} for user content, so a caller who writes {@code <|im_start|>} gets those
     * characters, not a turn of their own.
     */
    public static final char UNTRUSTED_START = '\uFDD0';
    /** Marks where a caller's text ends. */
    public static final char UNTRUSTED_END = '\uFDD1';

    /** A caller's text, marked for {@link #encodeMarked}, with any marks it carried itself removed. */
    public static String untrusted(String text) {
        return UNTRUSTED_START + withoutMarks(text) + UNTRUSTED_END;
    }

    /** {@code text} without the marks, which are never part of what a model sees. */
    public static String withoutMarks(String text) {
        if (text.indexOf(UNTRUSTED_START) < 0 && text.indexOf(UNTRUSTED_END) < 0) return text;
        return text.replace(String.valueOf(UNTRUSTED_START), "").replace(String.valueOf(UNTRUSTED_END), "");
    }

    /**
     * Tokenizes a rendered prompt whose callers' parts are {@link #untrusted marked}: control tokens are recognised
     * only in the template's own markup.
     */
    public final int[] encodeMarked(String marked, boolean addSpecial) {
        return encode(SpecialTokenSplitter.splitMarked(vocab, marked), addSpecial);
    }

    private int[] encode(List<Fragment> fragments, boolean addSpecial) {
        List<Integer> out = new ArrayList<>();
        if (addSpecial && vocab.addBos) out.add(vocab.bos);
        boolean previousWasSpecial = true;
        for (Fragment fragment : fragments) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                previousWasSpecial = true;
            } else {
                encodeText(fragment.text(), previousWasSpecial, out);
                previousWasSpecial = false;
            }
        }
        if (addSpecial && vocab.addEos) out.add(vocab.eos);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Tokenizes plain text (no special tokens in it) and appends the ids. */
    protected abstract void encodeText(String text, boolean afterSpecialOrStart, List<Integer> out);

    /**
     * The bytes a token stands for. Control tokens render as their text only when {@code renderControl} is set,
     * otherwise as nothing, like llama.cpp's {@code token_to_piece(special=false)}.
     */
    public abstract byte[] pieceBytes(int token, boolean renderControl);

    /**
     * Token {@code index} of a prompt's {@code tokens}, as bytes of the text it was tokenized from: the space a
     * tokenizer puts before text at the start and after a special token (SentencePiece's dummy prefix) is taken off
     * again, as llama.cpp's detokenizer does, so the pieces of a prompt spell its text.
     */
    public final byte[] sourcePieceBytes(int[] tokens, int index) {
        byte[] piece = pieceBytes(tokens[index], false);
        boolean afterSpecialOrStart = index == 0 || vocab.isSpecial(tokens[index - 1]);
        if (vocab.addSpacePrefix && afterSpecialOrStart && piece.length > 0 && piece[0] == ' ') return Arrays.copyOfRange(piece, 1, piece.length);
        return piece;
    }

    public final String decode(int[] tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : tokens) bytes.writeBytes(pieceBytes(token, false));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A piece of input: either text to tokenize or a special token found in it. */
    record Fragment(String text, int token) {
        boolean isToken() {
            return text == null;
        }
    }
}
