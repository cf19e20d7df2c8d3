package io.hearth.host;

import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** The FunctionContext of one invocation inside the host; model calls go to the server ({@link RemoteModelClient}). */
record HostContext(String functionName, String functionVersion, Map<String, String> settings, ModelClient model, Instant deadline,
                   String requestId) implements FunctionContext {
    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    @Override
    public Logger logger() {
        return Logger.getLogger("hearth.function." + functionName);
    }
}
