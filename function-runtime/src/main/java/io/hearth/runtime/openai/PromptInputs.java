package io.hearth.runtime.openai;

import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.ModelRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code prompt} of {@code /v1/completions} and the {@code input} of {@code /v1/embeddings}, in each of OpenAI's
 * forms: a string, an array of strings (a batch: one choice or vector per entry), an array of token ids, or an array
 * of such arrays. Each entry becomes one model request.
 */
final class PromptInputs {
    /** Prompts one completion request may batch. */
    static final int MAX_PROMPTS = 32;
    /** Inputs one embedding request may batch: OpenAI's own limit, which clients batch by (LangChain4j, Spring AI). */
    static final int MAX_INPUTS = 2048;

    private PromptInputs() {
    }

    static List<ModelRequest> requests(Object prompt, SamplingParams sampling) {
        return parse(prompt, "prompt", MAX_PROMPTS, text -> ModelRequest.text(text, sampling), ids -> ModelRequest.tokens(ids, sampling));
    }

    static List<ModelRequest> embeddings(Object input) {
        return parse(input, "input", MAX_INPUTS, ModelRequest::embedding, ModelRequest::embedding);
    }

    private static List<ModelRequest> parse(Object value, String field, int max, Function<String, ModelRequest> text,
                                            Function<int[], ModelRequest> tokens) {
        List<ModelRequest> requests = new ArrayList<>();
        switch (value) {
            case null -> throw new IllegalArgumentException(field + " is required: a string, an array of strings, or token ids");
            case String one -> requests.add(text.apply(one));
            case List<?> list when !list.isEmpty() && list.stream().allMatch(Number.class::isInstance) -> requests.add(tokens.apply(ids(list, field)));
            case List<?> list when !list.isEmpty() -> {
                if (list.size() > max) throw new IllegalArgumentException(field + ": at most " + max + " entries in one request, got " + list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object one = list.get(i);
                    if (one instanceof String s) requests.add(text.apply(s));
                    else if (one instanceof List<?> ids && !ids.isEmpty()) requests.add(tokens.apply(ids(ids, field + "[" + i + "]")));
                    else throw new IllegalArgumentException(field + "[" + i + "] must be a string or a non-empty array of token ids");
                }
            }
            default -> throw new IllegalArgumentException(field + " must be a string, an array of strings, an array of token ids, or an array of such arrays");
        }
        return requests;
    }

    private static int[] ids(List<?> tokens, String where) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(tokens.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + "[" + i + "] must be a token id (a whole number, 0 or more)");
            }
            ids[i] = n.intValue();
        }
        return ids;
    }
}
