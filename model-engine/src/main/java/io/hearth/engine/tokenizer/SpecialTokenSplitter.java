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

    /**
     * Splits text in which callers' contents are marked ({@link Tokenizer#UNTRUSTED_START} ..
     * {@link Tokenizer#UNTRUSTED_END}; an unclosed mark runs to the end): control tokens are recognised only outside
     * the marks, in the template's own markup. Text on both sides of a mark with no special token between is joined
     * again, so a conversation without control-token text in it tokenizes exactly as the unmarked rendering would.
     */
    static List<Tokenizer.Fragment> splitMarked(Vocabulary vocab, String marked) {
        List<Tokenizer.Fragment> out = new ArrayList<>();
        int at = 0;
        boolean untrusted = false;
        while (at <= marked.length()) {
            int mark = nextMark(marked, at);
            int end = mark < 0 ? marked.length() : mark;
            // an end mark met outside a caller's text means the template cut the content (split, slice) and dropped
            // its start mark: that stretch, back to the last mark, may hold a caller's text, so it is all read as text
            boolean cut = !untrusted && mark >= 0 && marked.charAt(mark) == Tokenizer.UNTRUSTED_END;
            for (Tokenizer.Fragment f : split(vocab, marked.substring(at, end), !untrusted && !cut)) {
                Tokenizer.Fragment last = out.isEmpty() ? null : out.getLast();
                if (!f.isToken() && last != null && !last.isToken()) out.set(out.size() - 1, new Tokenizer.Fragment(last.text() + f.text(), -1));
                else out.add(f);
            }
            if (mark < 0) break;
            untrusted = marked.charAt(mark) == Tokenizer.UNTRUSTED_START;
            at = mark + 1;
        }
        return out;
    }

    private static int nextMark(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == Tokenizer.UNTRUSTED_START || c == Tokenizer.UNTRUSTED_END) return i;
        }
        return -1;
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
