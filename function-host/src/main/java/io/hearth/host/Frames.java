package io.hearth.host;

import java.util.Map;

/**
 * The frames the server and a function's host process exchange over the host's standard input and output (JSON
 * objects, {@link Channel}), named in one place for both sides. Each frame's {@link #TYPE} says what it is.
 */
public final class Frames {
    /** The field that names a frame's kind. */
    public static final String TYPE = "type";

    /** Host → server: the handler (and input guard) were created; calls may come. */
    public static final String READY = "ready";
    /** Host → server: the handler could not be created (with {@code message}); the host ends. */
    public static final String FAILED = "failed";
    /** Server → host: run the handler on {@code input} before {@code deadline}. */
    public static final String INVOKE = "invoke";
    /** Server → host: ask the input guard about {@code input}. */
    public static final String SCREEN = "screen";
    /** Host → server: a call's {@code output}. */
    public static final String RESULT = "result";
    /** Host → server: the input guard's {@code refusal} (null: accepted). */
    public static final String SCREENED = "screened";
    /** Host → server: a call ended in an exception ({@code class}, {@code message}, {@code bad_input}). */
    public static final String ERROR = "error";
    /** Host → server: a model call the function makes (chat {@code messages} or a {@code prompt}). */
    public static final String MODEL = "model";
    /** Server → host: a model call's answer. */
    public static final String MODEL_RESULT = "model_result";
    /** Server → host: a model call failed (with {@code message}). */
    public static final String MODEL_ERROR = "model_error";

    private Frames() {
    }

    /** Whether {@code frame} is of {@code kind}. */
    public static boolean is(Map<String, Object> frame, String kind) {
        return frame != null && kind.equals(frame.get(TYPE));
    }

    /** A frame's kind, for a switch. */
    public static String typeOf(Map<String, Object> frame) {
        return String.valueOf(frame.get(TYPE));
    }
}
