package io.hearth.runtime.invoke;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * which is removed when it ends; in the namespaced modes that folder stands in place of the temporary folder, so no
 * function sees another's files.
 */
final class FunctionSandbox {
    private static final Logger LOG = Logger.getLogger(FunctionSandbox.class.getName());
    private static final int MAX_SANDBOX_UIDS = 1000;
    /** Where the Hearth servers of this machine claim the uids their function processes run as. */
    private static final Path CLAIMS = Path.of("/run/hearth-function-uids");
    /** The tools, found on the server's PATH once: the function's own environment is empty. */
    private static final String UNSHARE = onPath("unshare"), SETPRIV = onPath("setpriv");

    enum Mode { ISOLATED, USER_NAMESPACE, NONE }

    /**
     * What a started process needs: the command prefix that isolates it, the folder its files were copied to, and the
     * names of its archive, its working folder and its class path as the process sees them.
     */
    record Prepared(List<String> prefix, Path dir, String archive, String workDir, String classPath, Runnable release) {
    }

    private final Mode mode;
    private final List<Path> hidden;
    private final int uidBase;
    private final BitSet uidsInUse = new BitSet(MAX_SANDBOX_UIDS);

    FunctionSandbox(Mode mode, List<Path> hidden, int uidBase) {
        this.mode = mode;
        this.hidden = hidden.stream().map(p -> p.toAbsolutePath().normalize()).filter(Files::isDirectory).distinct()
                // deeper first: covering a folder first would hide the ones inside it from their own mounts
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        this.uidBase = uidBase;
    }

    /** The strongest mode this machine allows, covering {@code hidden}; logs what it chose, and warns when it is weak. */
    static FunctionSandbox detect(List<Path> hidden, int uidBase) {
        // as root, a user namespace would map the function to root itself: only a user of its own isolates it then
        Mode mode = available(Mode.ISOLATED, uidBase) ? Mode.ISOLATED
                : !runningAsRoot() && available(Mode.USER_NAMESPACE, uidBase) ? Mode.USER_NAMESPACE : Mode.NONE;
        switch (mode) {
            case ISOLATED -> LOG.info("java functions run isolated: a user of their own, no network, their own /proc, the server's folders hidden");
            case USER_NAMESPACE -> LOG.warning("java functions run in user namespaces (no network, their own /proc, the server's folders hidden) "
                    + "but as the server's user: run the server as root to give each its own user");
            case NONE -> LOG.warning("java functions are NOT isolated from the server: this system has no usable unshare and setpriv (as root) "
                    + "or user namespaces (as another user), so a function runs as the server's user and can read what it can read and reach "
                    + "its ports. Deploy only functions you trust, or run Hearth where Linux namespaces are available.");
        }
        return new FunctionSandbox(mode, hidden, uidBase);
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
        int slot = mode == Mode.ISOLATED ? claimUid() : -1;
        try {
            Path root = tempRoot();
            Path dir = Files.createTempDirectory(root, "hearth-fn-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // in namespaces the process sees its own folder in place of the temporary folder, and names its files from there
            boolean namespaced = mode != Mode.NONE;
            Path copied = dir.resolve("archive.zip");
            Files.copy(archive, copied);
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (Path entry : classPath) {
                String name = "cp" + i++ + (Files.isDirectory(entry) ? "" : ".jar");
                copy(entry, dir.resolve(name));
                entries.add(namespaced ? name : dir.resolve(name).toString());
            }
            if (slot >= 0) chownTree(dir, uidBase + slot);
            Runnable release = () -> {
                delete(dir);
                if (slot >= 0) releaseUid(slot);
            };
            return new Prepared(prefix(slot, dir, root), dir, namespaced ? "archive.zip" : copied.toString(), namespaced ? "." : dir.toString(),
                    String.join(File.pathSeparator, entries), release);
        } catch (IOException e) {
            if (slot >= 0) releaseUid(slot);
            throw new UncheckedIOException("cannot prepare a function's process: " + e.getMessage(), e);
        }
    }

    /**
     * A uid no other function process on this machine has now: this server's own in use are skipped, and so are those
     * another Hearth server on the machine claimed (a file per uid under {@link #CLAIMS} holding the claiming server's
     * pid; a claim whose server is gone is taken over).
     */
    private int claimUid() {
        try {
            Files.createDirectories(CLAIMS);
            Files.setPosixFilePermissions(CLAIMS, PosixFilePermissions.fromString("rwx------"));
            String self = Long.toString(ProcessHandle.current().pid());
            for (int slot = uidsInUse.nextClearBit(0); slot < MAX_SANDBOX_UIDS; slot = uidsInUse.nextClearBit(slot + 1)) {
                Path claim = CLAIMS.resolve(Integer.toString(uidBase + slot));
                try {
                    Files.writeString(claim, self, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException taken) {
                    if (!abandoned(claim)) continue;
                    Files.writeString(claim, self);
                }
                uidsInUse.set(slot);
                return slot;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim a user id for a function's process under " + CLAIMS + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("more than " + MAX_SANDBOX_UIDS + " function processes at once");
    }

    /** Whether a claim's server is gone (its pid is not running), so its uid runs nothing of it any more. */
    private static boolean abandoned(Path claim) {
        try {
            long pid = Long.parseLong(Files.readString(claim).trim());
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private synchronized void releaseUid(int slot) {
        uidsInUse.clear(slot);
        try {
            Files.deleteIfExists(CLAIMS.resolve(Integer.toString(uidBase + slot)));
        } catch (IOException e) {
            LOG.fine(() -> "cannot remove the claim of uid " + (uidBase + slot) + ": " + e.getMessage());
        }
    }

    /**
     * The command that enters the sandbox, to be followed by the function host's own command: a shell in the new
     * namespaces covers the server's folders, puts the process's own folder in place of the temporary folder (so it
     * sees no other function's files), moves there, then becomes the next command.
     */
    private List<String> prefix(int slot, Path own, Path tempRoot) {
        String cover = "n=$1; shift; while [ \"$n\" -gt 0 ]; do mount -t tmpfs -o ro,size=4k,mode=0555 hearth-hidden \"$1\" || exit 97; "
                + "shift; n=$((n-1)); done; mount --bind \"$1\" \"$2\" || exit 97; cd \"$2\" || exit 97; shift 2; unset PWD OLDPWD; exec \"$@\"";
        List<String> command = new ArrayList<>();
        switch (mode) {
            case ISOLATED -> {
                command.addAll(List.of(UNSHARE, "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "/bin/sh", "-c", cover, "sh"));
                addHidden(command, own, tempRoot);
                int uid = uidBase + slot;
                // the parent-death signal is set again after the uid changes (the kernel clears it then): killing the
                // server's handle on the process kills the function, whatever shutdown hooks it registered
                command.addAll(List.of(SETPRIV, "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--no-new-privs",
                        "--inh-caps=-all", "--bounding-set=-all", "--pdeathsig", "KILL", "--"));
            }
            case USER_NAMESPACE -> {
                command.addAll(List.of(UNSHARE, "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                        "/bin/sh", "-c", cover, "sh"));
                addHidden(command, own, tempRoot);
                // a second user namespace locks the covering mounts: the function, root only inside, cannot unmount them
                command.addAll(List.of(UNSHARE, "--user", "--map-root-user", "--mount", "--kill-child", "--"));
            }
            case NONE -> {
            }
        }
        return command;
    }

    private void addHidden(List<String> command, Path own, Path tempRoot) {
        command.add(Integer.toString(hidden.size()));
        for (Path p : hidden) command.add(p.toString());
        command.add(own.toString());
        command.add(tempRoot.toString());
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

    private static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException noProcOrNoUnixView) {
            // not Linux (no /proc, no unix attributes): no namespaces either, so the mode is NONE whatever this says
            return false;
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
            if (p.waitFor(10, TimeUnit.SECONDS)) return p.exitValue() == 0;
            p.destroyForcibly(); // a probe that hangs tells no and leaves nothing behind
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
