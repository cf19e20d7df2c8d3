package io.hearth.runtime.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.function.ModelClient;
import io.hearth.runtime.deploy.FunctionManifest;

/** A prompt function's answer under its output schema, parsed into the JSON value /fn returns as {@code output}. */
final class StructuredOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StructuredOutput() {
    }

    /**
     * The answer as a JSON value (maps, lists, strings, numbers). The grammar let the model write nothing else, so
     * the one way to get no value is an answer cut by {@code max_tokens}: that fails the invocation and says so.
     */
    static Object parse(FunctionManifest m, ModelClient.ModelResult r) {
        if ("length".equals(r.finishReason())) {
            throw new IncompleteOutputException(m.id() + "'s answer was cut at max_tokens (" + m.maxTokens()
                    + ") before it completed its output schema; raise defaults.max_tokens");
        }
        try {
            return JSON.readValue(r.text(), Object.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(m.id() + ": a constrained answer did not parse: " + e.getOriginalMessage(), e);
        }
    }
}
