package io.hearth.runtime.invoke;

import io.hearth.function.FunctionContext;
import io.hearth.function.ModelClient;
import io.hearth.runtime.deploy.FunctionManifest;

import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/** The FunctionContext of one invocation. */
record InvocationContext(FunctionManifest manifest, ModelClient model, Instant deadline, String requestId) implements FunctionContext {
    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(manifest.config().get(key));
    }

    @Override
    public Logger logger() {
        return Logger.getLogger("hearth.function." + manifest.name());
    }

    @Override
    public String functionName() {
        return manifest.name();
    }

    @Override
    public String functionVersion() {
        return manifest.version();
    }
}
