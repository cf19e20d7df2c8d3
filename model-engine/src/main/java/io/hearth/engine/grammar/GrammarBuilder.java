package io.hearth.engine.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named rules in, a {@link Grammar} out. Choices and repetitions inside a rule become rules of their own (an optional
 * tail for bounded repetition, a right-recursive one for unbounded), so the compiled grammar has only sequences of
 * byte sets and rule references. Grammars that could loop without reading a byte (left recursion, a repeated part
 * that can match nothing) are refused here, so the matcher never has to guard against them.
 */
public final class GrammarBuilder {
    /**
     * Elements a grammar may have: a schema or pattern that would compile to more (huge counts, thousands of long
     * properties) is refused rather than allowed to take the server's memory.
     */
    public static final int MAX_ELEMENTS = 2_000_000;
    private final Map<String, Expr> named = new LinkedHashMap<>();

    public GrammarBuilder define(String name, Expr body) {
        if (named.putIfAbsent(name, body) != null) throw new IllegalStateException("rule " + name + " is defined twice");
        return this;
    }

    /** Whether a rule of this name is defined yet (shared rules are defined by the first schema part that needs them). */
    public boolean isDefined(String name) {
        return named.containsKey(name);
    }

    public Grammar build(String root, String description) {
        return new Compilation().run(root, description);
    }

    private final class Compilation {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<List<List<int[]>>> rules = new ArrayList<>(); // rule → alternatives → elements {kind, arg}
        /** Expressions already made rules, by identity: structural hashing of a deep expression tree costs its whole size each time. */
        private final Map<Expr, Integer> hoisted = new java.util.IdentityHashMap<>();
        /** Repetition rules by what they repeat and how often. */
        private final Map<String, Integer> repeats = new HashMap<>();
        private int elements;
        private final List<ByteSet> sets = new ArrayList<>();
        private final Map<ByteSet, Integer> setIndex = new HashMap<>();

        Grammar run(String root, String description) {
            for (String name : named.keySet()) index.put(name, newRule());
            if (!index.containsKey(root)) throw new IllegalStateException("no rule " + root);
            for (Map.Entry<String, Expr> e : named.entrySet()) fill(index.get(e.getKey()), e.getValue());
            boolean[] nullable = nullable();
            refuseLoops(nullable);
            return flatten(index.get(root), description);
        }

        private int newRule() {
            rules.add(new ArrayList<>());
            return rules.size() - 1;
        }

        private void fill(int rule, Expr body) {
            List<Expr> choices = body instanceof Expr.Alt alt ? alt.choices() : List.of(body);
            for (Expr choice : choices) {
                List<int[]> elements = new ArrayList<>();
                emit(choice, elements);
                rules.get(rule).add(elements);
            }
        }

        private void emit(Expr e, List<int[]> out) {
            if (++elements > MAX_ELEMENTS) {
                throw new GrammarLimitException("the schema compiles to more than " + MAX_ELEMENTS + " grammar elements; make its counts and choices smaller");
            }
            switch (e) {
                case Expr.Bytes b -> out.add(new int[]{Grammar.BYTES, set(b.set())});
                case Expr.Seq s -> s.parts().forEach(p -> emit(p, out));
                case Expr.Ref r -> {
                    Integer rule = index.get(r.rule());
                    if (rule == null) throw new IllegalStateException("no rule " + r.rule());
                    out.add(new int[]{Grammar.RULE, rule});
                }
                case Expr.Alt a -> out.add(new int[]{Grammar.RULE, hoist(a)});
                case Expr.Repeat r -> {
                    Expr body = r.body() instanceof Expr.Bytes ? r.body() : new Expr.Ref(nameOf(hoist(r.body())));
                    for (int i = 0; i < r.min(); i++) emit(body, out);
                    if (r.max() == Expr.UNBOUNDED) out.add(new int[]{Grammar.RULE, star(body)});
                    else if (r.max() > r.min()) out.add(new int[]{Grammar.RULE, upTo(body, r.max() - r.min())});
                }
            }
        }

        /** An expression as a rule of its own, shared by every place that writes the same expression. */
        private int hoist(Expr e) {
            if (e instanceof Expr.Ref r) return index.get(r.rule());
            Integer known = hoisted.get(e);
            if (known != null) return known;
            int rule = newRule();
            hoisted.put(e, rule);
            fill(rule, e);
            return rule;
        }

        private String nameOf(int rule) {
            String name = "#" + rule;
            index.putIfAbsent(name, rule);
            return name;
        }

        /** What a repetition repeats, as a key: a byte set or a rule (repeated bodies are always one or the other). */
        private String repeatKey(Expr body, String how) {
            return (body instanceof Expr.Ref r ? "r:" + r.rule() : "b:" + set(((Expr.Bytes) body).set())) + how;
        }

        /** {@code star ::= body star | ε}: right recursion, which the matcher runs as a loop (a tail call). */
        private int star(Expr body) {
            String key = repeatKey(body, "*");
            Integer known = repeats.get(key);
            if (known != null) return known;
            int rule = newRule();
            repeats.put(key, rule);
            List<int[]> loop = new ArrayList<>();
            emit(body, loop);
            loop.add(new int[]{Grammar.RULE, rule});
            rules.get(rule).add(loop);
            rules.get(rule).add(new ArrayList<>());
            return rule;
        }

        /** {@code upTo(n) ::= body upTo(n-1) | ε}: at most n more. */
        private int upTo(Expr body, int n) {
            String key = repeatKey(body, "{0," + n + "}");
            Integer known = repeats.get(key);
            if (known != null) return known;
            // built from the shortest up, iteratively: a count of thousands must not recurse thousands deep
            int rest = -1;
            for (int k = 1; k < n; k++) {
                String inner = repeatKey(body, "{0," + k + "}");
                Integer have = repeats.get(inner);
                rest = have != null ? have : optionalTail(body, rest, inner);
            }
            return optionalTail(body, rest, key);
        }

        /** {@code rule ::= body rest | ε} (no {@code rest}: {@code body | ε}), registered under {@code key}. */
        private int optionalTail(Expr body, int rest, String key) {
            int rule = newRule();
            repeats.put(key, rule);
            List<int[]> more = new ArrayList<>();
            emit(body, more);
            if (rest >= 0) more.add(new int[]{Grammar.RULE, rest});
            rules.get(rule).add(more);
            rules.get(rule).add(new ArrayList<>());
            return rule;
        }

        private int set(ByteSet s) {
            return setIndex.computeIfAbsent(s, k -> {
                sets.add(k);
                return sets.size() - 1;
            });
        }

        /** Which rules can match empty text (a fixed point over the rules). */
        private boolean[] nullable() {
            boolean[] nullable = new boolean[rules.size()];
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int r = 0; r < rules.size(); r++) {
                    if (nullable[r]) continue;
                    for (List<int[]> alt : rules.get(r)) {
                        if (alt.stream().allMatch(el -> el[0] == Grammar.RULE && nullable[el[1]])) {
                            nullable[r] = changed = true;
                            break;
                        }
                    }
                }
            }
            return nullable;
        }

        /**
         * Refuses a rule that can reach itself before reading a byte: left recursion ({@code a ::= a "x"}, a schema
         * whose {@code $ref} points back at itself) or a repeated part that can match nothing. Either would make the
         * matcher expand forever.
         */
        private void refuseLoops(boolean[] nullable) {
            int n = rules.size();
            int[][] leftmost = new int[n][];
            for (int r = 0; r < n; r++) {
                List<Integer> first = new ArrayList<>();
                for (List<int[]> alt : rules.get(r)) {
                    for (int[] el : alt) {
                        if (el[0] != Grammar.RULE) break;
                        first.add(el[1]);
                        if (!nullable[el[1]]) break;
                    }
                }
                leftmost[r] = first.stream().mapToInt(Integer::intValue).toArray();
            }
            // a cycle in the "can come first" graph, found by one depth-first walk (white/grey/black), in linear time
            int[] color = new int[n];
            for (int r = 0; r < n; r++) {
                if (color[r] != 0) continue;
                java.util.ArrayDeque<int[]> path = new java.util.ArrayDeque<>(); // {rule, next successor to look at}
                path.push(new int[]{r, 0});
                color[r] = 1;
                while (!path.isEmpty()) {
                    int[] top = path.peek();
                    if (top[1] == leftmost[top[0]].length) {
                        color[top[0]] = 2;
                        path.pop();
                        continue;
                    }
                    int next = leftmost[top[0]][top[1]++];
                    if (color[next] == 1) {
                        throw new IllegalArgumentException("the grammar can loop without producing output (a reference to itself before any text, or a repeated part that can be empty)");
                    }
                    if (color[next] == 0) {
                        color[next] = 1;
                        path.push(new int[]{next, 0});
                    }
                }
            }
        }

        private Grammar flatten(int root, String description) {
            int size = 0;
            for (var rule : rules) for (var alt : rule) size += alt.size() + 1;
            int[] kind = new int[size], arg = new int[size];
            int[][] starts = new int[rules.size()][];
            int pos = 0;
            for (int r = 0; r < rules.size(); r++) {
                starts[r] = new int[rules.get(r).size()];
                for (int a = 0; a < rules.get(r).size(); a++) {
                    starts[r][a] = pos;
                    for (int[] el : rules.get(r).get(a)) {
                        kind[pos] = el[0];
                        arg[pos++] = el[1];
                    }
                    kind[pos++] = Grammar.END;
                }
            }
            return new Grammar(kind, arg, sets.toArray(ByteSet[]::new), starts, root, null, description);
        }
    }
}
