package io.hearth.runtime.openai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Body of {@code POST /v1/chat/completions} and {@code /v1/completions} (OpenAI's field names). Fields a client
 * leaves out are null and take the defaults in {@link SamplingMapper}.
 */
public class ChatCompletionRequest {
    public String model;
    public List<Message> messages;
    /** For /v1/completions: a string, an array of strings, token ids, or arrays of token ids. */
    public Object prompt;
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
    /** {@code {"type": "text" | "json_object" | "json_schema", "json_schema": {"name", "schema", "strict"}}}. */
    public ResponseFormat response_format;
    /** {@code {"include_usage": true}}: a stream ends with a chunk that carries the usage (and no choices). */
    public StreamOptions stream_options;
    /** Who the end user is: recorded in the audit log with the call. */
    public String user;
    /** Fields of OpenAI's API for what Hearth does not do; sent with a value that would change the answer, they are refused. */
    public Object audio;
    /** OpenAI's penalties and bias ({@link io.hearth.engine.sample.Penalties}). */
    public Double presence_penalty;
    public Double frequency_penalty;
    /** Token id (as a string, as OpenAI sends it) → bias from −100 to 100. */
    public java.util.Map<String, Object> logit_bias;
    /** Chat: true for each token's log-probability; completions: how many alternatives to give with each (0–20). */
    public Object logprobs;
    /** Chat: how many alternatives to give with each token's log-probability (0–20; needs logprobs: true). */
    public Integer top_logprobs;
    /** Chat: choices (1–8), each sampled on its own; the prompt is computed once ({@link ForkedChoices}). Completions: 1 only. */
    public Integer n;
    /** Completions: the prompt's text before the answer (with logprobs, the prompt's tokens scored too). */
    public Boolean echo;
    /** Not supported with a value (refused, never ignored): suffix (fill-in-the-middle), best_of above 1, and the rest below. */
    public String suffix;
    public Integer best_of;
    public Object modalities;
    public Object prediction;
    public Object web_search_options;
    /** Functions the model may call. */
    public List<Tool> tools;
    /** {@code "none" | "auto" | "required"}, or {@code {"type": "function", "function": {"name": ...}}}. */
    public Object tool_choice;
    public Boolean parallel_tool_calls;

    public static class StreamOptions {
        public Boolean include_usage;
    }

    public static class Message {
        public String role;
        /**
         * A string, or an array of content parts ({@code {"type": "text", "text": ...}}); null only for an assistant
         * message that carries tool calls.
         */
        public Object content;
        /** A participant's name: accepted, not shown to the model. */
        public String name;
        /** An assistant message's earlier calls. */
        public List<ToolCall> tool_calls;
        /** A tool message: the call it answers. */
        public String tool_call_id;
    }

    public static class ResponseFormat {
        public String type;
        public JsonSchemaFormat json_schema;
    }

    /** {@code name} and {@code strict} are OpenAI's labels; Hearth holds every answer to its schema, strict or not. */
    public static class JsonSchemaFormat {
        public String name;
        public String description;
        public JsonNode schema;
        public Boolean strict;
    }

    public static class Tool {
        public String type;
        public Function function;
    }

    public static class Function {
        public String name;
        public String description;
        public JsonNode parameters;
        public Boolean strict;
    }

    public static class ToolCall {
        public String id;
        public String type;
        public CalledFunction function;
    }

    public static class CalledFunction {
        public String name;
        /** The arguments as JSON text, as OpenAI sends them. */
        public String arguments;
    }
}
