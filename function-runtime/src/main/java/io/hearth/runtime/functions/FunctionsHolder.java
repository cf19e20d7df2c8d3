package io.hearth.runtime.functions;

import io.hearth.pool.ModelInfo;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.guard.GuardedModelCalls;
import io.hearth.runtime.invoke.FunctionInvoker;
import io.hearth.runtime.pool.PoolHolder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The function registry and invoker for the application's lifetime. Archives put in the drop-in folder
 * ({@code hearth.function-dropins}, default {@code function-dropins} in the server directory) are deployed at
 * start and whenever they change (checked every {@code hearth.function-dropins.interval-seconds}, default 2);
 * the store is {@code hearth.function-store} (default {@code functions}). In a Hazelcast cluster the registry is
 * shared ({@link ClusterFunctions}): a function deployed on any server is served by all.
 */
@ApplicationScoped
public class FunctionsHolder {
    private static final Logger LOG = Logger.getLogger(FunctionsHolder.class.getName());

    @Inject
    Config config;
    @Inject
    PoolHolder pool;
    @Inject
    GuardedModelCalls calls;
    @Inject
    RuntimeMetrics metrics;

    private volatile FunctionRegistry registry;
    private volatile FunctionInvoker invoker;
    private ScheduledExecutorService watcher;
    private ClusterFunctions cluster;
    private final FunctionPrefixPins prefixPins = new FunctionPrefixPins();
    private final Map<Path, String> seen = new ConcurrentHashMap<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registry();
        Path dropins = Path.of(config.getOptionalValue("hearth.function-dropins", String.class).orElse("function-dropins"));
        long interval = config.getOptionalValue("hearth.function-dropins.interval-seconds", Long.class).orElse(2L);
        scanDropins(dropins);
        shareWithTheCluster();
        applyServingVersions();
        watcher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("hearth-function-dropins").unstarted(r));
        watcher.scheduleWithFixedDelay(() -> {
            scanDropins(dropins);
            applyServingVersions();
        }, interval, interval, TimeUnit.SECONDS);
    }

    public FunctionRegistry registry() {
        FunctionRegistry built = registry;
        return built != null ? built : buildRegistry();
    }

    private synchronized FunctionRegistry buildRegistry() {
        if (registry == null) {
            registry = new FunctionRegistry(Path.of(config.getOptionalValue("hearth.function-store", String.class).orElse("functions")),
                    (archive, copy) -> invoker().verify(archive.manifest(), copy));
        }
        return registry;
    }

    public FunctionInvoker invoker() {
        FunctionInvoker built = invoker;
        return built != null ? built : buildInvoker();
    }

    private synchronized FunctionInvoker buildInvoker() {
        if (invoker == null) {
            invoker = new FunctionInvoker(pool.pool(), calls, metrics::functionProcessEnded, hiddenFromFunctions(),
                    config.getOptionalValue("hearth.functions.sandbox.uid-base", Integer.class).orElse(FunctionInvoker.DEFAULT_UID_BASE));
        }
        return invoker;
    }

    /**
     * The folders a function's process must not see: the server's output folder (its working directory: keys, logs,
     * stored archives), its configuration, Liberty's user folder (passwords, keystores) and its installation (which a
     * function running as the server's user could otherwise change), and any more that ops name
     * in {@code hearth.functions.sandbox.hidden} (comma-separated).
     */
    private List<Path> hiddenFromFunctions() {
        List<Path> hidden = new java.util.ArrayList<>();
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

    /** Joins the cluster's shared registry when this server is part of a Hazelcast cluster. */
    private void shareWithTheCluster() {
        var connection = pool.cluster();
        if (connection == null) return;
        try {
            cluster = new ClusterFunctions(connection.hazelcast(), connection.seal(), registry());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "functions are not shared with the cluster (" + e.getMessage() + "); this server serves its own", e);
        }
    }

    /** Deploys new or changed archives in the drop-in folder; a bad one is logged and skipped, the rest go on. */
    private void scanDropins(Path dropins) {
        if (!Files.isDirectory(dropins)) return;
        try (Stream<Path> files = Files.list(dropins)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".zip") || f.toString().endsWith(".jar")).sorted().toList()) {
                String stamp = Files.size(file) + "/" + Files.getLastModifiedTime(file);
                if (stamp.equals(seen.get(file))) continue;
                seen.put(file, stamp);
                try {
                    var result = registry().deploy(Files.readAllBytes(file));
                    if (result.created()) LOG.info(() -> "deployed " + result.deployed().manifest().id() + " from " + file);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "not deployed: " + file + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the function drop-in folder " + dropins, e);
        }
    }

    /**
     * What the versions that take traffic (active and canary) ask of the pool, checked with the drop-ins: their
     * {@code scaling.min_warm}, per model (the pool keeps that many replicas warm, within max-replicas), and their
     * fixed prompt starts pinned in the prefix cache; and what was loaded for undeployed versions is let go.
     */
    private void applyServingVersions() {
        try {
            List<FunctionManifest> serving = new ArrayList<>();
            java.util.Set<String> deployed = new java.util.HashSet<>();
            FunctionRegistry functions = registry();
            for (String name : functions.names()) {
                FunctionRegistry.Routing routing = functions.routingOf(name);
                for (FunctionRegistry.Deployed d : functions.versionsOf(name)) {
                    deployed.add(d.sha256());
                    String version = d.manifest().version();
                    if (version.equals(routing.active()) || version.equals(routing.canary())) serving.add(d.manifest());
                }
            }
            Map<String, Integer> wanted = new HashMap<>();
            for (FunctionManifest m : serving) wanted.merge(m.model(), m.minWarm(), Math::max);
            for (ModelInfo model : pool.pool().models()) pool.admin().functionsMinWarm(model.id(), wanted.getOrDefault(model.id(), 0));
            prefixPins.apply(serving, pool.admin());
            invoker().retainOnly(deployed);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot apply what the serving functions ask of the pool", e);
        }
    }

    @PreDestroy
    void stop() {
        if (watcher != null) watcher.shutdownNow();
        if (cluster != null) cluster.close();
        if (invoker != null) invoker.close();
    }
}
