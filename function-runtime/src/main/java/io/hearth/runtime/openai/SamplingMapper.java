package io.hearth.runtime.openai;

import io.hearth.engine.sample.Penalties;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.runtime.deploy.FunctionManifest;

import java.util.List;

/** OpenAI request fields → engine sampling, with the API's defaults and the server's limits. */
final class SamplingMapper {
    static final int DEFAULT_MAX_TOKENS = 256;
    static final int MAX_TOKENS_LIMIT = 4096;

    private SamplingMapper() {
    }

    /** A chat request's sampling: {@code logprobs} is true or false, {@code top_logprobs} the alternatives. */
    static SamplingParams forChat(ChatCompletionRequest r, FunctionManifest function) {
        return from(r, function, chatLogprobs(r));
    }

    /** A completions request's sampling: {@code logprobs} is the number of alternatives; {@code echo} scores the prompt too. */
    static SamplingParams forCompletions(ChatCompletionRequest r) {
        return from(r, null, completionLogprobs(r));
    }

    /** @param function the prompt function the request names, whose defaults fill what the request leaves out; or null */
    private static SamplingParams from(ChatCompletionRequest r, FunctionManifest function, int logprobs) {
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
                stops(r.stop), null, penalties(r), logprobs, Boolean.TRUE.equals(r.echo) && logprobs >= 0);
    }

    /** Chat's {@code logprobs: true} with {@code top_logprobs: n} alternatives; -1 for none. */
    static int chatLogprobs(ChatCompletionRequest r) {
        if (r.logprobs != null && !(r.logprobs instanceof Boolean)) throw new IllegalArgumentException("logprobs must be true or false on chat (top_logprobs gives the alternatives)");
        if (r.top_logprobs != null && !Boolean.TRUE.equals(r.logprobs)) throw new IllegalArgumentException("top_logprobs needs logprobs: true");
        int top = r.top_logprobs == null ? 0 : r.top_logprobs;
        if (top < 0 || top > SamplingParams.MAX_TOP_LOGPROBS) throw new IllegalArgumentException("top_logprobs must be from 0 to " + SamplingParams.MAX_TOP_LOGPROBS + ", got " + top);
        return Boolean.TRUE.equals(r.logprobs) ? top : -1;
    }

    /** Completions' {@code logprobs: n}, the alternatives to give with each token; -1 for none. */
    static int completionLogprobs(ChatCompletionRequest r) {
        if (r.top_logprobs != null) throw new IllegalArgumentException("top_logprobs is for chat; on completions logprobs is the number of alternatives");
        if (r.logprobs == null) return -1;
        if (!(r.logprobs instanceof Integer n)) throw new IllegalArgumentException("logprobs must be a number of alternatives (0 to " + SamplingParams.MAX_TOP_LOGPROBS + ") on completions");
        if (n < 0 || n > SamplingParams.MAX_TOP_LOGPROBS) throw new IllegalArgumentException("logprobs must be from 0 to " + SamplingParams.MAX_TOP_LOGPROBS + ", got " + n);
        return n;
    }

    /** presence_penalty, frequency_penalty and logit_bias (token ids as strings, as OpenAI sends them). */
    private static Penalties penalties(ChatCompletionRequest r) {
        java.util.Map<Integer, Float> bias = new java.util.HashMap<>();
        if (r.logit_bias != null) {
            for (java.util.Map.Entry<String, Object> b : r.logit_bias.entrySet()) {
                int token;
                try {
                    token = Integer.parseInt(b.getKey());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("logit_bias keys are token ids, got '" + b.getKey() + "'");
                }
                if (!(b.getValue() instanceof Number n)) throw new IllegalArgumentException("logit_bias values are numbers from -100 to 100");
                bias.put(token, n.floatValue());
            }
        }
        return new Penalties(r.presence_penalty == null ? 0f : r.presence_penalty.floatValue(),
                r.frequency_penalty == null ? 0f : r.frequency_penalty.floatValue(), bias);
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
