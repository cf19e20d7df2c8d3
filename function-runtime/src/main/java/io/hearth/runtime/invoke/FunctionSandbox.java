package io.hearth.runtime.invoke;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Where a function's own code runs: a process that cannot see or reach the server. How much the operating system
 * allows decides the {@link Mode}:
 * <ul>
 *   <li>{@code ISOLATED} (the server runs as root, {@code unshare} and {@code setpriv} present): the process runs as
 *       a user of its own (uid {@code uidBase + n}, no groups, no capabilities, no new privileges), in namespaces of
 *       its own: no network but an unconnected loopback (its only channel is the pipe to the server), its own
 *       process tree and {@code /proc} (the server's pid, environment and memory are not there), and the server's
 *       directories covered by empty, read-only mounts;</li>
 *   <li>{@code USER_NAMESPACE} (not root, user namespaces allowed): the same namespaces, entered through a user
 *       namespace, with the covering mounts locked by a second one so the function cannot lift them; the uid stays
 *       the server's outside the namespaces, so files the server made readable to its own user elsewhere on the
 *       machine are not protected;</li>
 *   <li>{@code NONE} (neither): a plain child process with an empty environment, as the server logs at start.</li>
 * </ul>
 * In every mode the process starts in a directory of its own, holding a copy of its archive and the host's classes,
 * which is removed when it ends.
 */
final class FunctionSandbox {
    private static final Logger LOG = Logger.getLogger(FunctionSandbox.class.getName());
    private static final int UIDS = 1000;
    /** The tools, found on the server's PATH once: the function's own environment is empty. */
    private static final String UNSHARE = onPath("unshare"), SETPRIV = onPath("setpriv");

    enum Mode { ISOLATED, USER_NAMESPACE, NONE }

    /** What a started process needs: the command prefix that isolates it and the directory its files were copied to. */
    record Prepared(List<String> prefix, Path dir, Path archive, String classPath, Runnable release) {
    }

    private final Mode mode;
    private final List<Path> hidden;
    private final int uidBase;
    private final BitSet uidsInUse = new BitSet(UIDS);

    FunctionSandbox(Mode mode, List<Path> hidden, int uidBase) {
        this.mode = mode;
        this.hidden = hidden.stream().map(p -> p.toAbsolutePath().normalize()).filter(Files::isDirectory).distinct()
                // deeper first: covering a folder first would hide the ones inside it from their own mounts
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        this.uidBase = uidBase;
    }

    /** The strongest mode this machine allows, covering {@code hidden}; logs what it chose, and warns when it is weak. */
    static FunctionSandbox detect(List<Path> hidden, int uidBase) {
        Mode mode = available(Mode.ISOLATED, uidBase) ? Mode.ISOLATED : available(Mode.USER_NAMESPACE, uidBase) ? Mode.USER_NAMESPACE : Mode.NONE;
        switch (mode) {
            case ISOLATED -> LOG.info("java functions run isolated: a user of their own, no network, their own /proc, the server's folders hidden");
            case USER_NAMESPACE -> LOG.warning("java functions run in user namespaces (no network, their own /proc, the server's folders hidden) "
                    + "but as the server's user: run the server as root to give each its own user");
            case NONE -> LOG.warning("java functions are NOT isolated from the server: this system has no usable unshare/setpriv or user "
                    + "namespaces, so a function runs as the server's user and can read what it can read and reach its ports. "
                    + "Deploy only functions you trust, or run Hearth where Linux namespaces are available.");
        }
        return new FunctionSandbox(mode, hidden, uidBase);
    }

    Mode mode() {
        return mode;
    }

    /** Whether this machine (and this server's user) can start processes in {@code mode}. */
    static boolean available(Mode mode, int uidBase) {
        return switch (mode) {
            case ISOLATED -> works(List.of(UNSHARE, "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", SETPRIV,
                    "--reuid=" + uidBase, "--regid=" + uidBase, "--clear-groups", "--no-new-privs", "true"));
            case USER_NAMESPACE -> works(List.of(UNSHARE, "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child",
                    "--mount-proc", "/bin/sh", "-c", "mount -t tmpfs none /tmp && exec " + UNSHARE + " --user --map-root-user --mount true"));
            case NONE -> true;
        };
    }

    /** Copies what the process needs into a directory of its own and says how to start it there. */
    synchronized Prepared prepare(Path archive, List<Path> classPath) {
        int slot = mode == Mode.ISOLATED ? uidsInUse.nextClearBit(0) : -1;
        if (slot >= UIDS) throw new IllegalStateException("more than " + UIDS + " function processes at once");
        if (slot >= 0) uidsInUse.set(slot);
        try {
            Path dir = Files.createTempDirectory(tempRoot(), "hearth-fn-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path copied = dir.resolve("archive.zip");
            Files.copy(archive, copied);
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (Path entry : classPath) {
                Path target = dir.resolve("cp" + i++ + (Files.isDirectory(entry) ? "" : ".jar"));
                copy(entry, target);
                entries.add(target.toString());
            }
            int uid = uidBase + slot;
            if (slot >= 0) chownTree(dir, uid);
            Runnable release = () -> {
                delete(dir);
                if (slot >= 0) release(slot);
            };
            return new Prepared(prefix(uid), dir, copied, String.join(java.io.File.pathSeparator, entries), release);
        } catch (IOException e) {
            if (slot >= 0) release(slot);
            throw new UncheckedIOException("cannot prepare a function's process: " + e.getMessage(), e);
        }
    }

    private synchronized void release(int slot) {
        uidsInUse.clear(slot);
    }

    /** The command that enters the sandbox, to be followed by the function host's own command. */
    private List<String> prefix(int uid) {
        // a shell in the new namespaces covers the server's folders, then becomes the next command
        String cover = "n=$1; shift; while [ \"$n\" -gt 0 ]; do mount -t tmpfs -o ro,size=4k,mode=0555 hearth-hidden \"$1\" || exit 97; "
                + "shift; n=$((n-1)); done; unset PWD OLDPWD; exec \"$@\"";
        List<String> command = new ArrayList<>();
        switch (mode) {
            case ISOLATED -> {
                command.addAll(List.of(UNSHARE, "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "/bin/sh", "-c", cover, "sh"));
                addHidden(command);
                command.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs",
                        "--inh-caps=-all", "--bounding-set=-all", "--"));
            }
            case USER_NAMESPACE -> {
                command.addAll(List.of(UNSHARE, "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                        "/bin/sh", "-c", cover, "sh"));
                addHidden(command);
                // a second user namespace locks the covering mounts: the function, root only inside, cannot unmount them
                command.addAll(List.of(UNSHARE, "--user", "--map-root-user", "--mount", "--"));
            }
            case NONE -> {
            }
        }
        return command;
    }

    private void addHidden(List<String> command) {
        command.add(Integer.toString(hidden.size()));
        for (Path p : hidden) command.add(p.toString());
    }

    /** Where process folders go: the temporary folder, unless it is one of the hidden ones (then /tmp). */
    private Path tempRoot() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        return hidden.stream().anyMatch(tmp::startsWith) ? Path.of("/tmp") : tmp;
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectories(target);
                else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) Files.copy(p, target);
            }
        }
    }

    private static void chownTree(Path dir, int uid) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.fine(() -> "cannot remove " + dir + ": " + e.getMessage());
        }
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        return tool;
    }

    private static boolean works(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
