package io.hearth.runtime.openai;

/** Body of {@code POST /v1/embeddings} (OpenAI's field names). */
public class EmbeddingRequest {
    public String model;
    /** A string, an array of strings, token ids, or arrays of token ids (at most {@link PromptInputs#MAX_INPUTS}). */
    public Object input;
    /** {@code float} (the default) or {@code base64}. */
    public String encoding_format;
    /** Accepted only as the model's own width: Hearth does not shorten vectors. */
    public Integer dimensions;
    /** Who the end user is: recorded in the audit log with the call. */
    public String user;
}
