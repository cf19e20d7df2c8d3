package io.hearth.function;

import java.util.List;

/** Calls the function's model. Options left null take the function's defaults from function.yaml. */
public interface ModelClient {

    /** Chat messages rendered with the model's chat template. */
    ModelResult chat(List<Message> messages, ModelOptions options);

    /** Raw prompt text. */
    ModelResult complete(String prompt, ModelOptions options);

    /** A chat turn. */
    record Message(String role, String content) {
        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }
    }

    /** Sampling options; null fields use the function's defaults. */
    record ModelOptions(Integer maxTokens, Float temperature, List<String> stop) {
        public static ModelOptions defaults() {
            return new ModelOptions(null, null, null);
        }
    }

    /** What the model produced. */
    record ModelResult(String text, String finishReason, int promptTokens, int completionTokens) {
    }
}
