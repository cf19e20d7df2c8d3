package io.hearth.runtime.openai;

import io.hearth.engine.sample.SamplingParams;
import io.hearth.runtime.deploy.FunctionManifest;

import java.util.List;

/** OpenAI request fields → engine sampling, with the API's defaults and the server's limits. */
final class SamplingMapper {
    static final int DEFAULT_MAX_TOKENS = 256;
    static final int MAX_TOKENS_LIMIT = 4096;

    private SamplingMapper() {
    }

    /** @param function the prompt function the request names, whose defaults fill what the request leaves out; or null */
    static SamplingParams from(ChatCompletionRequest r, FunctionManifest function) {
        int fallbackMaxTokens = function != null ? function.maxTokens() : DEFAULT_MAX_TOKENS;
        int maxTokens = r.max_tokens != null ? r.max_tokens : r.max_completion_tokens != null ? r.max_completion_tokens : fallbackMaxTokens;
        if (maxTokens > MAX_TOKENS_LIMIT) {
            throw new IllegalArgumentException("max_tokens " + maxTokens + " is above this server's limit of " + MAX_TOKENS_LIMIT);
        }
        return new SamplingParams(
                r.temperature != null ? r.temperature : function != null ? function.temperature() : 1f,
                r.top_k != null ? r.top_k : 0,
                r.top_p != null ? r.top_p : 1f,
                r.min_p != null ? r.min_p : 0f,
                r.repetition_penalty != null ? r.repetition_penalty : 1f,
                64,
                r.seed != null ? r.seed : System.nanoTime(),
                maxTokens,
                stops(r.stop), null);
    }

    private static List<String> stops(Object stop) {
        if (stop == null) return List.of();
        if (stop instanceof String s) return List.of(s);
        if (stop instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("stop must be a string or an array of strings");
    }
}
