package io.hearth.runtime.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.runtime.files.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Deployed functions and their versions, kept on disk so they survive a restart:
 * {@code <store>/<name>/<version>.zip} plus {@code <store>/<name>/routing.json} (active version, the one before it, and
 * an optional canary with its share of traffic).
 *
 * <p>Invariants: an archive is validated completely before anything is written; a version's bytes never change once
 * deployed; routing is written after its archive (write to a temp file, then rename), so a crash or a bad deploy
 * leaves the previous routing, and so the running version, serving.
 */
public final class FunctionRegistry {
    /** Where traffic for a function goes. {@code canary} receives {@code canaryPercent} of unpinned calls. */
    public record Routing(String active, String previous, String canary, int canaryPercent) {
    }

    /** One deployed version. */
    public record Deployed(FunctionManifest manifest, Path archive, String sha256) {
    }

    /** What a deploy did: a new version, or the same bytes again (idempotent). */
    public record DeployResult(Deployed deployed, boolean created) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks an archive against the running server (its model is served, its handler loads) before it is stored. */
    @FunctionalInterface
    public interface ArchiveCheck {
        void check(FunctionArchive archive, Path storedCopy);
    }

    /** Hears of each change made on this server (deploy, rollback, canary), after it is stored. */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(String name);
    }

    private final Path store;
    private final ArchiveCheck check;
    private volatile ChangeListener listener = name -> { };
    private final Map<String, Map<String, Deployed>> versions = new TreeMap<>();
    private final Map<String, Routing> routing = new TreeMap<>();

    public FunctionRegistry(Path store) {
        this(store, (archive, copy) -> { });
    }

    public FunctionRegistry(Path store, ArchiveCheck check) {
        this.store = store;
        this.check = check;
        try {
            Files.createDirectories(store);
            try (Stream<Path> dirs = Files.list(store)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) load(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the function store " + store.toAbsolutePath(), e);
        }
    }

    private void load(Path dir) throws IOException {
        Path routingFile = dir.resolve("routing.json");
        if (!Files.isRegularFile(routingFile)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path zip : files.filter(f -> f.toString().endsWith(".zip")).toList()) {
                FunctionArchive archive = FunctionArchive.read(Files.readAllBytes(zip));
                versions.computeIfAbsent(archive.manifest().name(), n -> new TreeMap<>())
                        .put(archive.manifest().version(), new Deployed(archive.manifest(), zip, archive.sha256()));
            }
        }
        routing.put(dir.getFileName().toString(), JSON.readValue(routingFile.toFile(), Routing.class));
    }

    /** Deploys an archive under {@code name}; the new version becomes active, the old one stays for rollback. */
    public DeployResult deploy(String name, byte[] bytes) {
        FunctionArchive archive = FunctionArchive.read(bytes);
        if (!archive.manifest().name().equals(name)) {
            throw new ArchiveInvalidException("function.yaml names '" + archive.manifest().name() + "' but it was deployed as '" + name + "'");
        }
        return deploy(archive, bytes);
    }

    /** Deploys an archive under the name its function.yaml gives (the drop-in folder has no other name for it). */
    public DeployResult deploy(byte[] bytes) {
        return deploy(FunctionArchive.read(bytes), bytes);
    }

    /**
     * The deploy-time check (which may start a function's process and wait for it) runs outside the registry's lock,
     * so calls keep resolving their functions meanwhile; the version is committed under the lock, checked again for
     * a deploy of the same version that got there first.
     */
    private DeployResult deploy(FunctionArchive archive, byte[] bytes) {
        FunctionManifest manifest = archive.manifest();
        String name = manifest.name();
        synchronized (this) {
            Deployed existing = deployedWith(archive);
            if (existing != null) return new DeployResult(existing, false);
        }
        checked(archive, bytes);
        synchronized (this) {
            Deployed existing = deployedWith(archive);
            if (existing != null) return new DeployResult(existing, false);
            Deployed deployed = commit(archive, bytes);
            Routing old = routing.get(name);
            saveRouting(name, new Routing(manifest.version(), old != null ? old.active() : null, null, 0));
            listener.changed(name);
            return new DeployResult(deployed, true);
        }
    }

    /** The deployed version with this archive's name and version: null if none; a conflict if its contents differ. Holds the lock. */
    private Deployed deployedWith(FunctionArchive archive) {
        FunctionManifest manifest = archive.manifest();
        Deployed existing = versions.getOrDefault(manifest.name(), Map.of()).get(manifest.version());
        if (existing == null || existing.sha256().equals(archive.sha256())) return existing;
        throw new VersionConflictException(manifest.id() + " is already deployed with other contents; deploy a new version");
    }

    /** One check at a time per name@version, so two deploys of one version never share a candidate file. */
    private final Map<String, Object> checking = new java.util.concurrent.ConcurrentHashMap<>();

    /** Runs the deploy-time check on a candidate copy of the archive (no registry lock held: it may take seconds). */
    private void checked(FunctionArchive archive, byte[] bytes) {
        FunctionManifest manifest = archive.manifest();
        synchronized (checking.computeIfAbsent(manifest.id(), id -> new Object())) {
            checkedAlone(archive, bytes);
        }
    }

    private void checkedAlone(FunctionArchive archive, byte[] bytes) {
        FunctionManifest manifest = archive.manifest();
        try {
            Path dir = Files.createDirectories(store.resolve(manifest.name()));
            Path candidate = dir.resolve(manifest.version() + ".zip.candidate");
            try {
                Files.write(candidate, bytes);
                check.check(archive, candidate);
            } finally {
                Files.deleteIfExists(candidate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + manifest.id(), e);
        }
    }

    /** Stores a checked version (it takes no traffic until routing names it). Holds the lock. */
    private Deployed commit(FunctionArchive archive, byte[] bytes) {
        FunctionManifest manifest = archive.manifest();
        try {
            Path zip = Files.createDirectories(store.resolve(manifest.name())).resolve(manifest.version() + ".zip");
            AtomicFiles.write(zip, bytes);
            Deployed deployed = new Deployed(manifest, zip, archive.sha256());
            versions.computeIfAbsent(manifest.name(), n -> new TreeMap<>()).put(manifest.version(), deployed);
            return deployed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + manifest.id(), e);
        }
    }

    /** Makes the previous version active again. */
    public synchronized Routing rollback(String name) {
        Routing r = routingOf(name);
        if (r.previous() == null) throw new IllegalArgumentException(name + " has no earlier version to roll back to");
        Routing rolledBack = saveRouting(name, new Routing(r.previous(), r.active(), null, 0));
        listener.changed(name);
        return rolledBack;
    }

    /** Sends {@code percent} of unpinned calls to {@code version} (0 ends the canary). */
    public synchronized Routing split(String name, String version, int percent) {
        Routing r = routingOf(name);
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("percent must be between 0 and 100");
        versionOf(name, version);
        Routing split = saveRouting(name, new Routing(r.active(), r.previous(), percent == 0 ? null : version, percent));
        listener.changed(name);
        return split;
    }

    /**
     * Removes a function, every version of it. Its routing goes first (a function without routing is not loaded at
     * start), so a crash half-way leaves it either fully deployed or gone, never half there. Returns its versions.
     */
    public synchronized List<String> undeploy(String name) {
        List<String> removed = forget(name);
        listener.changed(name);
        return removed;
    }

    /** As {@link #undeploy}, for a removal decided elsewhere (the cluster): tells no listener. */
    public synchronized List<String> forget(String name) {
        routingOf(name);
        List<String> removed = List.copyOf(versions.getOrDefault(name, Map.of()).keySet());
        Path dir = store.resolve(name);
        try {
            Files.deleteIfExists(dir.resolve("routing.json"));
            routing.remove(name);
            versions.remove(name);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // the routing is gone, so the function is; leftover version files are harmless and overwritten by a redeploy
            System.getLogger(FunctionRegistry.class.getName()).log(System.Logger.Level.WARNING,
                    "function " + name + " is undeployed but some of its files in " + dir + " remain: " + e.getMessage());
        }
        return removed;
    }

    public void onChange(ChangeListener listener) {
        this.listener = listener;
    }

    /**
     * Takes a function's routing as another server decided it: the versions it names that are missing here are
     * fetched with {@code archiveOf} and stored (validated as a deploy is), then the routing is. Tells no listener:
     * the change came from the cluster. A version whose archive is not available yet fails the whole adoption, so
     * routing never names a version this server cannot serve.
     */
    public void adopt(String name, Routing adopted, java.util.function.Function<String, byte[]> archiveOf) {
        Map<FunctionArchive, byte[]> fetched = new java.util.LinkedHashMap<>();
        for (String version : java.util.Arrays.asList(adopted.active(), adopted.previous(), adopted.canary())) {
            synchronized (this) {
                if (version == null || versions.getOrDefault(name, Map.of()).containsKey(version)) continue;
            }
            byte[] bytes = archiveOf.apply(version);
            if (bytes == null) throw new IllegalStateException(name + "@" + version + " is routed in the cluster but its archive is missing");
            FunctionArchive archive = FunctionArchive.read(bytes);
            if (!archive.manifest().name().equals(name) || !archive.manifest().version().equals(version)) {
                throw new ArchiveInvalidException("the cluster's archive for " + name + "@" + version + " holds " + archive.manifest().id());
            }
            checked(archive, bytes);
            fetched.put(archive, bytes);
        }
        synchronized (this) {
            fetched.forEach((archive, bytes) -> {
                if (deployedWith(archive) == null) commit(archive, bytes);
            });
            if (!adopted.equals(routing.get(name))) saveRouting(name, adopted);
        }
    }

    /** The stored bytes of a version, as deployed. */
    public synchronized byte[] archiveOf(String name, String version) {
        try {
            return Files.readAllBytes(versionOf(name, version).archive());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + "@" + version, e);
        }
    }

    /** The function a reference names: {@code name} itself, or the name of {@code name@version}. */
    public static String nameOf(String reference) {
        int at = reference.indexOf('@');
        return at >= 0 ? reference.substring(0, at) : reference;
    }

    /** {@code name} (routing and canary honoured) or {@code name@version} (pinned). */
    public synchronized Deployed resolve(String reference) {
        int at = reference.indexOf('@');
        if (at >= 0) return versionOf(reference.substring(0, at), reference.substring(at + 1));
        Routing r = routingOf(reference);
        boolean canary = r.canary() != null && ThreadLocalRandom.current().nextInt(100) < r.canaryPercent();
        return versionOf(reference, canary ? r.canary() : r.active());
    }

    /** The version unpinned calls go to when no canary is drawn. */
    public synchronized Deployed active(String name) {
        return versionOf(name, routingOf(name).active());
    }

    public synchronized List<String> names() {
        return List.copyOf(routing.keySet());
    }

    public synchronized Routing routingOf(String name) {
        Routing r = routing.get(name);
        if (r == null) throw new FunctionNotFoundException("no function named '" + name + "' is deployed");
        return r;
    }

    public synchronized List<Deployed> versionsOf(String name) {
        routingOf(name);
        List<Deployed> list = new ArrayList<>(versions.get(name).values());
        list.sort(Comparator.comparing(d -> d.manifest().version()));
        return list;
    }

    private Deployed versionOf(String name, String version) {
        Deployed d = versions.getOrDefault(name, Map.of()).get(version);
        if (d == null) {
            routingOf(name);
            throw new FunctionNotFoundException(name + " has no version '" + version + "'");
        }
        return d;
    }

    private Routing saveRouting(String name, Routing r) {
        try {
            AtomicFiles.write(store.resolve(name).resolve("routing.json"), JSON.writeValueAsBytes(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the routing of " + name, e);
        }
        routing.put(name, r);
        return r;
    }
}
