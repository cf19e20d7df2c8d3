package io.hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The merge loop shared by SPM and BPE: a word starts as one symbol per character; adjacent pairs are merged best
 * first (ties to the leftmost) until no pair is mergeable. Symbols are character ranges of {@code text} linked as a
 * list; a queued pair whose symbols have changed since it was queued is stale and skipped, as in llama.cpp.
 */
final class SymbolMerger {
    /** Rates the merge of text[start, end); higher is better, NaN means not mergeable. */
    interface PairRating {
        double rate(String text, int start, int mid, int end);
    }

    private record Pair(int left, int right, int length, double rating) {
    }

    private SymbolMerger() {
    }

    /** Runs the merges and returns the final symbols in order. */
    static List<String> merge(String text, PairRating rating) {
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n + 1];
        int[] length = new int[n];
        int[] next = new int[n], prev = new int[n];
        for (int i = 0, offset = 0; i < n; i++) {
            start[i] = offset;
            offset += Character.charCount(text.codePointAt(offset));
            length[i] = offset - start[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>((a, b) -> a.rating != b.rating
                ? Double.compare(b.rating, a.rating) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) offer(queue, text, rating, start, length, i, i + 1);
        while (!queue.isEmpty()) {
            Pair pair = queue.poll();
            if (length[pair.left] == 0 || length[pair.right] == 0
                    || length[pair.left] + length[pair.right] != pair.length) continue;
            length[pair.left] += length[pair.right];
            length[pair.right] = 0;
            next[pair.left] = next[pair.right];
            if (next[pair.left] >= 0) prev[next[pair.left]] = pair.left;
            if (prev[pair.left] >= 0) offer(queue, text, rating, start, length, prev[pair.left], pair.left);
            if (next[pair.left] >= 0) offer(queue, text, rating, start, length, pair.left, next[pair.left]);
        }
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i >= 0 && n > 0; i = next[i]) symbols.add(text.substring(start[i], start[i] + length[i]));
        return symbols;
    }

    private static void offer(PriorityQueue<Pair> queue, String text, PairRating rating, int[] start, int[] length,
                              int left, int right) {
        int s = start[left], mid = s + length[left], e = mid + length[right];
        double r = rating.rate(text, s, mid, e);
        if (!Double.isNaN(r)) queue.add(new Pair(left, right, length[left] + length[right], r));
    }
}
