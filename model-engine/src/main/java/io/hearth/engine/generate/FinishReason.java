package io.hearth.engine.generate;

/** Why generation ended, named as the OpenAI API names it. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** max_tokens reached. */
    LENGTH;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
