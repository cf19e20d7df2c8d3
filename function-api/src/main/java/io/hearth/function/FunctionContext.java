package io.hearth.function;

import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/** What the platform gives a function for one invocation. */
public interface FunctionContext {
    /** The model named in function.yaml, through the platform's guarded model call. */
    ModelClient model();

    /** A value from function.yaml's {@code config} section. */
    Optional<String> config(String key);

    Logger logger();

    /** When the invocation times out; model calls past it fail. */
    Instant deadline();

    String requestId();

    /** The function's name and version, as deployed. */
    String functionName();

    String functionVersion();
}
