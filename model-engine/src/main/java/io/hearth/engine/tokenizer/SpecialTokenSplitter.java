package io.hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text around special tokens written in it, longest token first, as llama.cpp's tokenizer_st_partition does.
 * User-defined tokens are always recognised; control and unknown tokens only when parsing special tokens.
 */
final class SpecialTokenSplitter {
    private SpecialTokenSplitter() {
    }

    static List<Tokenizer.Fragment> split(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Tokenizer.Fragment> fragments = new ArrayList<>();
        fragments.add(new Tokenizer.Fragment(text, -1));
        for (int id : vocab.specialsLongestFirst) {
            if (!parseSpecial && vocab.types[id] != TokenType.USER_DEFINED) continue;
            String special = vocab.tokens[id];
            List<Tokenizer.Fragment> next = new ArrayList<>(fragments.size() + 2);
            for (Tokenizer.Fragment fragment : fragments) {
                if (fragment.isToken() || !fragment.text().contains(special)) {
                    next.add(fragment);
                    continue;
                }
                String rest = fragment.text();
                int at;
                while ((at = rest.indexOf(special)) >= 0) {
                    if (at > 0) next.add(new Tokenizer.Fragment(rest.substring(0, at), -1));
                    next.add(new Tokenizer.Fragment(null, id));
                    rest = rest.substring(at + special.length());
                }
                if (!rest.isEmpty()) next.add(new Tokenizer.Fragment(rest, -1));
            }
            fragments = next;
        }
        fragments.removeIf(f -> !f.isToken() && f.text().isEmpty());
        return fragments;
    }
}
