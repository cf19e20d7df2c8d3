package io.hearth.runtime.openai;

import io.hearth.runtime.errors.InvalidParamException;

import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which request field a refusal is about, for the error's {@code param}: the request mapping writes every message
 * starting with the field it refuses ({@code temperature must be ...}, {@code messages[2].role ...},
 * {@code response_format.json_schema.schema: ...}), so the field is read from there, for the API's own fields only.
 */
final class RequestFields {
    private static final Set<String> FIELDS = Set.of("model", "messages", "prompt", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "top_k", "min_p", "repetition_penalty", "seed", "stop", "stream", "keep_alive", "response_format", "tools",
            "tool_choice", "parallel_tool_calls", "stream_options", "audio", "modalities", "prediction", "web_search_options", "suffix", "n", "best_of", "logprobs",
            "top_logprobs", "presence_penalty", "frequency_penalty", "logit_bias", "echo", "user", "input", "encoding_format", "dimensions");
    private static final Pattern LEADING = Pattern.compile("^([a-z_]+)((?:\\[\\d+])?(?:\\.[a-z_]+(?:\\[\\d+])?)*)");

    private RequestFields() {
    }

    /** Runs the mapping of a request; a refusal that names one of the request's fields becomes a 400 naming it. */
    static <T> T checked(Supplier<T> mapping) {
        try {
            return mapping.get();
        } catch (InvalidParamException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String param = paramOf(e.getMessage());
            if (param == null) throw e;
            throw new InvalidParamException(param, e.getMessage(), e);
        }
    }

    static String paramOf(String message) {
        if (message == null) return null;
        String text = message.startsWith("stop ") || message.startsWith("at most 16 stop") ? "stop" : message;
        Matcher m = LEADING.matcher(text);
        return m.find() && FIELDS.contains(m.group(1)) ? m.group(1) + m.group(2) : null;
    }
}
