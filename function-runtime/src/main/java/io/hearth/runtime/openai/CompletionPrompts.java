package io.hearth.runtime.openai;

import io.hearth.engine.sample.SamplingParams;
import io.hearth.pool.ModelRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code prompt} of {@code /v1/completions}, in each of OpenAI's forms: a string, an array of strings (a batch:
 * one choice per prompt), an array of token ids, or an array of such arrays. Each prompt becomes one model request.
 */
final class CompletionPrompts {
    /** Prompts one request may batch. */
    static final int MAX_PROMPTS = 32;

    private CompletionPrompts() {
    }

    static List<ModelRequest> requests(Object prompt, SamplingParams sampling) {
        List<ModelRequest> requests = new ArrayList<>();
        switch (prompt) {
            case null -> throw new IllegalArgumentException("prompt is required: a string, an array of strings, or token ids");
            case String text -> requests.add(ModelRequest.text(text, sampling));
            case List<?> list when !list.isEmpty() && list.stream().allMatch(Number.class::isInstance) -> requests.add(ModelRequest.tokens(ids(list, "prompt"), sampling));
            case List<?> list when !list.isEmpty() -> {
                if (list.size() > MAX_PROMPTS) throw new IllegalArgumentException("prompt: at most " + MAX_PROMPTS + " prompts in one request, got " + list.size());
                for (int i = 0; i < list.size(); i++) {
                    Object one = list.get(i);
                    if (one instanceof String text) requests.add(ModelRequest.text(text, sampling));
                    else if (one instanceof List<?> tokens && !tokens.isEmpty()) requests.add(ModelRequest.tokens(ids(tokens, "prompt[" + i + "]"), sampling));
                    else throw new IllegalArgumentException("prompt[" + i + "] must be a string or a non-empty array of token ids");
                }
            }
            default -> throw new IllegalArgumentException("prompt must be a string, an array of strings, an array of token ids, or an array of such arrays");
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
