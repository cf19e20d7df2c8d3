package io.hearth.runtime.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.hearth.pool.prefix.ClusterSeal;
import io.hearth.runtime.deploy.FunctionNotFoundException;
import io.hearth.runtime.deploy.FunctionRegistry;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The function registry shared by every server of the Hazelcast cluster, so a function deployed (rolled back,
 * canaried, undeployed) on one server is served the same way by all. Two maps hold it: archives by {@code name@version}, and
 * each function's routing as JSON. A change made here is published archives first, then routing; every server
 * (this one included) adopts a routing it hears of, fetching and validating the versions it names before the
 * routing takes effect, so no server routes to a version it cannot serve. On joining, a server takes the cluster's
 * functions and offers those the cluster does not have yet. Archives and routing are sealed with the cluster secret
 * ({@link ClusterSeal}): what anyone without it writes does not open, and is ignored and reported, so nobody deploys
 * code on the members by writing to the maps.
 */
final class ClusterFunctions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterFunctions.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FunctionRegistry registry;
    private static final String ARCHIVES = "hearth-function-archives";
    private static final String ROUTING = "hearth-function-routing";

    private final IMap<String, byte[]> archives;
    private final IMap<String, byte[]> routing;
    private final ClusterSeal seal;
    /**
     * Adoption stores and validates archives: off Hazelcast's event threads, one at a time, with the application's
     * class loader (the thread is started from a Hazelcast thread, whose loader it would otherwise inherit).
     */
    private final ExecutorService adopter;
    private final UUID listener;

    ClusterFunctions(HazelcastInstance hazelcast, ClusterSeal seal, FunctionRegistry registry) {
        this.registry = registry;
        this.seal = seal;
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        this.adopter = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().daemon().name("hearth-cluster-functions").unstarted(r);
            t.setContextClassLoader(application);
            return t;
        });
        this.archives = hazelcast.getMap(ARCHIVES);
        this.routing = hazelcast.getMap(ROUTING);
        this.listener = routing.addEntryListener(new RoutingListener(), true);
        for (Map.Entry<String, byte[]> e : routing.entrySet()) adopt(e.getKey(), e.getValue());
        for (String name : registry.names()) {
            if (!routing.containsKey(name)) publish(name);
        }
        registry.onChange(this::publish);
    }

    private final class RoutingListener implements EntryAddedListener<String, byte[]>, EntryUpdatedListener<String, byte[]>,
            EntryRemovedListener<String, byte[]> {
        @Override
        public void entryRemoved(EntryEvent<String, byte[]> e) {
            adopter.execute(() -> {
                try {
                    registry.forget(e.getKey());
                } catch (FunctionNotFoundException alreadyGone) {
                    // undeployed here: this server made the change
                }
            });
        }

        @Override
        public void entryAdded(EntryEvent<String, byte[]> e) {
            adopter.execute(() -> adopt(e.getKey(), e.getValue()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, byte[]> e) {
            adopter.execute(() -> adopt(e.getKey(), e.getValue()));
        }
    }

    private void publish(String name) {
        try {
            if (!registry.names().contains(name)) {
                unpublish(name);
                return;
            }
            FunctionRegistry.Routing r = registry.routingOf(name);
            for (FunctionRegistry.Deployed d : registry.versionsOf(name)) {
                String version = d.manifest().version();
                String key = name + "@" + version;
                archives.putIfAbsent(key, seal.seal(ARCHIVES + "/" + key, registry.archiveOf(name, version)));
            }
            routing.put(name, seal.sealText(ROUTING + "/" + name, JSON.writeValueAsString(r)));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.log(Level.WARNING, "cannot share function " + name + " with the cluster (it serves here): " + e.getMessage(), e);
        }
    }

    /** An undeploy: routing first (servers stop serving it), then the archives. */
    private void unpublish(String name) {
        routing.remove(name);
        for (String key : archives.keySet()) {
            if (key.startsWith(name + "@")) archives.remove(key);
        }
    }

    /** A routing the cluster holds, taken only when it and the archives it names open under the cluster secret. */
    private void adopt(String name, byte[] sealedRouting) {
        String routingJson = seal.openText(ROUTING + "/" + name, sealedRouting);
        if (routingJson == null) return;
        try {
            FunctionRegistry.Routing r = JSON.readValue(routingJson, FunctionRegistry.Routing.class);
            registry.adopt(name, r, version -> seal.openOrReport(ARCHIVES + "/" + name + "@" + version, archives.get(name + "@" + version)));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.log(Level.WARNING, "cannot take function " + name + " from the cluster: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            routing.removeEntryListener(listener);
        } catch (RuntimeException e) {
            LOG.fine(() -> "the cluster went first: " + e.getMessage());
        }
        adopter.shutdownNow();
    }
}
