package io.hearth.engine.tokenizer;

import io.hearth.engine.gguf.GgufFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before BPE, with the regular expressions llama.cpp uses for each
 * {@code tokenizer.ggml.pre}. Several expressions apply in turn, each splitting the pieces of the one before;
 * text between matches stays a piece of its own. {@code \s} is Unicode white space, as in llama.cpp.
 */
final class PreTokenizer {
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}");

    private final List<Pattern> patterns;
    private final boolean ignoreMerges;

    private PreTokenizer(boolean ignoreMerges, String... expressions) {
        this.ignoreMerges = ignoreMerges;
        this.patterns = new ArrayList<>();
        for (String e : expressions) patterns.add(Pattern.compile(e, Pattern.UNICODE_CHARACTER_CLASS));
    }

    static PreTokenizer forName(String pre, Path file) {
        return switch (pre) {
            case "default", "gpt-2", "gpt2" -> new PreTokenizer(false, GPT2);
            case "llama-bpe", "llama3", "smaug-bpe" -> new PreTokenizer(true, LLAMA3);
            case "qwen2" -> new PreTokenizer(false, QWEN2);
            case "deepseek-coder" -> new PreTokenizer(false, "[\\r\\n]", "\\s?\\p{L}+", "\\s?\\p{P}+",
                    "[一-龥ࠀ-一가-퟿]+", "\\p{N}");
            default -> throw new GgufFormatException(file, "pre-tokenizer '" + pre
                    + "' is not supported (supported: gpt-2, llama-bpe, qwen2, deepseek-coder)");
        };
    }

    boolean ignoresMerges() {
        return ignoreMerges;
    }

    List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern pattern : patterns) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                Matcher m = pattern.matcher(piece);
                int last = 0;
                while (m.find()) {
                    if (m.end() == m.start()) continue;
                    if (m.start() > last) next.add(piece.substring(last, m.start()));
                    next.add(m.group());
                    last = m.end();
                }
                if (last < piece.length()) next.add(piece.substring(last));
            }
            pieces = next;
        }
        return pieces;
    }
}
