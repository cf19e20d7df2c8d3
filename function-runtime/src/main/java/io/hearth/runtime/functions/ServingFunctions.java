package io.hearth.runtime.functions;

import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.runtime.cluster.Cluster;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.invoke.FunctionInvoker;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Keeps the deployed functions serving as the application runs. Archives put in the drop-in folder
 * ({@code hearth.function-dropins}, default {@code function-dropins} in the server directory) are deployed at start
 * and whenever they change (checked every {@code hearth.function-dropins.interval-seconds}, default 2). In a
 * Hazelcast cluster the registry is shared ({@link ClusterFunctions}): a function deployed on any server is served by
 * all. With each check, what the serving versions ask of the pool is applied.
 */
@ApplicationScoped
public class ServingFunctions {
    private static final Logger LOG = Logger.getLogger(ServingFunctions.class.getName());

    @Inject
    Config config;
    @Inject
    FunctionRegistry registry;
    @Inject
    FunctionInvoker invoker;
    @Inject
    PoolAdmin admin;
    @Inject
    Cluster cluster;

    private ScheduledExecutorService watcher;
    private ClusterFunctions shared;
    private final FunctionPrefixPins prefixPins = new FunctionPrefixPins();
    private final Map<Path, String> seen = new ConcurrentHashMap<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
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

    /** Joins the cluster's shared registry when this server is part of a Hazelcast cluster. */
    private void shareWithTheCluster() {
        cluster.connection().ifPresent(connection -> {
            try {
                shared = new ClusterFunctions(connection.hazelcast(), connection.seal(), registry);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "functions are not shared with the cluster (" + e.getMessage() + "); this server serves its own", e);
            }
        });
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
                    var result = registry.deploy(Files.readAllBytes(file));
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
            Set<String> deployed = new HashSet<>();
            for (String name : registry.names()) {
                FunctionRegistry.Routing routing = registry.routingOf(name);
                for (FunctionRegistry.Deployed d : registry.versionsOf(name)) {
                    deployed.add(d.sha256());
                    String version = d.manifest().version();
                    if (version.equals(routing.active()) || version.equals(routing.canary())) serving.add(d.manifest());
                }
            }
            Map<String, Integer> wanted = new HashMap<>();
            for (FunctionManifest m : serving) wanted.merge(m.model(), m.minWarm(), Math::max);
            for (PoolInfo model : admin.pools()) admin.functionsMinWarm(model.model(), wanted.getOrDefault(model.model(), 0));
            prefixPins.apply(serving, admin);
            invoker.retainOnly(deployed);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot apply what the serving functions ask of the pool", e);
        }
    }

    @PreDestroy
    void stop() {
        if (watcher != null) watcher.shutdownNow();
        if (shared != null) shared.close();
    }
}
