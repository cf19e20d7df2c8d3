package io.hearth.runtime.openai;

import java.util.List;

/**
 * Body of {@code POST /v1/chat/completions} and {@code /v1/completions} (OpenAI's field names). Fields a client
 * leaves out are null and take the defaults in {@link SamplingMapper}.
 */
public class ChatCompletionRequest {
    public String model;
    public List<Message> messages;
    /** For /v1/completions. */
    public String prompt;
    public Integer max_tokens;
    /** The newer name of max_tokens that current OpenAI clients send. */
    public Integer max_completion_tokens;
    public Float temperature;
    public Float top_p;
    public Integer top_k;
    public Float min_p;
    public Float repetition_penalty;
    public Long seed;
    /** A string or an array of strings. */
    public Object stop;
    public Boolean stream;
    /**
     * Hearth's extension (as Ollama names it): how long the model's replica should stay loaded after this call, as
     * {@code "10m"} or a number of seconds; held within the model's keep-alive bounds.
     */
    public Object keep_alive;

    public static class Message {
        public String role;
        public String content;
    }
}
