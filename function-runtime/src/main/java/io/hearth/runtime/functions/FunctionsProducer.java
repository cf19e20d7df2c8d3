package io.hearth.runtime.functions;

import io.hearth.pool.ModelPool;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.invoke.FunctionInvoker;
import io.hearth.runtime.resilience.GuardedModelCalls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The function registry ({@code hearth.function-store}, default {@code functions} in the server directory) and the
 * invoker that runs what it holds, for the application's lifetime. A deploy is checked by the invoker before the
 * registry stores it.
 */
@ApplicationScoped
public class FunctionsProducer {
    @Produces
    @Singleton
    FunctionRegistry registry(Config config, FunctionInvoker invoker) {
        return new FunctionRegistry(Path.of(config.getOptionalValue("hearth.function-store", String.class).orElse("functions")),
                (archive, copy) -> invoker.verify(archive.manifest(), copy));
    }

    @Produces
    @Singleton
    FunctionInvoker invoker(Config config, ModelPool pool, GuardedModelCalls calls, RuntimeMetrics metrics) {
        return new FunctionInvoker(pool, calls, metrics::functionProcessEnded, hiddenFromFunctions(config),
                config.getOptionalValue("hearth.functions.sandbox.uid-base", Integer.class).orElse(FunctionInvoker.DEFAULT_UID_BASE));
    }

    void close(@Disposes FunctionInvoker invoker) {
        invoker.close();
    }

    /**
     * The folders a function's process must not see: the server's output folder (its working directory: keys, logs,
     * stored archives), its configuration, Liberty's user folder (passwords, keystores) and its installation (which a
     * function running as the server's user could otherwise change), and any more that ops name
     * in {@code hearth.functions.sandbox.hidden} (comma-separated).
     */
    private static List<Path> hiddenFromFunctions(Config config) {
        List<Path> hidden = new ArrayList<>();
        hidden.add(Path.of(System.getProperty("user.dir")));
        for (String variable : List.of("WLP_USER_DIR", "WLP_OUTPUT_DIR", "SERVER_CONFIG_DIR", "SERVER_OUTPUT_DIR", "WLP_INSTALL_DIR")) {
            String dir = System.getenv(variable);
            if (dir != null && !dir.isBlank()) hidden.add(Path.of(dir));
        }
        for (String dir : config.getOptionalValue("hearth.functions.sandbox.hidden", String.class).orElse("").split(",")) {
            if (!dir.isBlank()) hidden.add(Path.of(dir.trim()));
        }
        return hidden;
    }

}
