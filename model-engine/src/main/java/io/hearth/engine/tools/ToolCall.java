package io.hearth.engine.tools;

/** A call the model made: an id for the tool's answer to refer to, the function's name, its arguments as JSON text. */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a tool call needs the function's name");
        if (arguments == null) arguments = "{}";
    }

    /** A new call id, in the form OpenAI's are. */
    public static String newId() {
        return "call_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
