package io.hearth.runtime.invoke;

import io.hearth.engine.generate.TokenListener;
import io.hearth.runtime.Archives;
import io.hearth.runtime.deploy.FunctionRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile java function tries each way out of its process: the server's secrets on disk, the server's environment
 * through /proc, the server's ports, root's powers, and lifting what covers the server's folders. Each fails.
 */
class FunctionSandboxTest {
    @TempDir
    Path dir;

    /** Tries each escape; says what it got, or the exception that stopped it. */
    private static final String ESCAPES = """
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("secret", attempt(() -> new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of((String) input.get("secret"))))));
            out.put("environ", attempt(() -> new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + input.get("server_pid") + "/environ")))));
            out.put("connect", attempt(() -> {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", ((Number) input.get("port")).intValue()), 2000);
                    return "connected";
                }
            }));
            out.put("unmount", attempt(() -> {
                Process p = new ProcessBuilder("/usr/bin/umount", (String) input.get("hidden")).redirectErrorStream(true).start();
                p.waitFor();
                return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of((String) input.get("secret"))));
            }));
            out.put("tmp", attempt(() -> String.join(",", new java.io.File(System.getProperty("java.io.tmpdir")).getCanonicalFile().getParentFile() == null
                    ? new String[0] : new java.io.File("/tmp").list())));
            out.put("uid", attempt(() -> java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElse("?")));
            return out;
            """;

    private static final String HELPER = """
            static Object attempt(java.util.concurrent.Callable<Object> a) {
                try { return a.call(); } catch (Throwable t) { return "refused: " + t.getClass().getSimpleName(); }
            }
            """;

    @ParameterizedTest
    @EnumSource(value = FunctionSandbox.Mode.class, names = {"ISOLATED", "USER_NAMESPACE"})
    void everyEscapeFails(FunctionSandbox.Mode mode) throws Exception {
        Assumptions.assumeTrue(FunctionSandbox.available(mode, FunctionInvoker.DEFAULT_UID_BASE),
                mode + " is not available on this machine (needs " + (mode == FunctionSandbox.Mode.ISOLATED ? "root, unshare and setpriv" : "user namespaces") + ")");
        Path serverDir = Files.createDirectories(dir.resolve("server"));
        Path secret = Files.writeString(serverDir.resolve("api-keys.json"), "the server's secret");
        FunctionSandbox sandbox = new FunctionSandbox(mode, List.of(serverDir), FunctionInvoker.DEFAULT_UID_BASE);
        byte[] handler = Archives.compiled(dir.resolve("src-" + mode), "Handler", """
                public class Handler implements Function {
                    %s
                    public Object handle(Map<String, Object> input, FunctionContext ctx) throws Exception {
                        %s
                    }
                }""".formatted(HELPER, ESCAPES));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", "name: escape\nversion: 1\nmodel: default\nkind: java\nhandler: fn.Handler\n".getBytes(StandardCharsets.UTF_8));
        entries.put("fn/Handler.class", handler);
        FunctionRegistry registry = new FunctionRegistry(dir.resolve("store-" + mode));
        registry.deploy("escape", Archives.zip(entries));
        try (ServerSocket serverPort = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             FunctionInvoker invoker = new FunctionInvoker(null, (GeneratingCalls) (model, request, listener, progress) -> {
                 throw new AssertionError("no model call");
             }, (f, r) -> { }, sandbox)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> got = (Map<String, Object>) invoker.invoke(registry.resolve("escape"), Map.of("secret", secret.toString(),
                    "server_pid", ProcessHandle.current().pid(), "port", serverPort.getLocalPort(), "hidden", serverDir.toString()), TokenListener.NONE).output();
            assertTrue(String.valueOf(got.get("secret")).startsWith("refused"), "the server's files: " + got);
            assertTrue(String.valueOf(got.get("environ")).startsWith("refused"), "the server's environment: " + got);
            assertTrue(String.valueOf(got.get("connect")).startsWith("refused"), "the server's ports: " + got);
            assertTrue(String.valueOf(got.get("unmount")).startsWith("refused"), "lifting the cover: " + got);
            assertTrue(String.valueOf(got.get("tmp")).matches("[a-z0-9.,]*") && String.valueOf(got.get("tmp")).contains("archive.zip")
                    && !String.valueOf(got.get("tmp")).contains("hearth-fn-"), "the temporary folder holds its own files only: " + got);
            if (mode == FunctionSandbox.Mode.ISOLATED) {
                String uid = String.valueOf(got.get("uid"));
                assertFalse(uid.matches("Uid:\\s+0\\s.*"), "not root: " + uid);
                assertTrue(uid.contains(Integer.toString(FunctionInvoker.DEFAULT_UID_BASE)), "a user of its own: " + uid);
            }
        }
        assertEquals("the server's secret", Files.readString(secret), "the server still sees its own files");
        assertNotEquals(0, registry.names().size());
    }

    @org.junit.jupiter.api.Test
    void aFunctionKilledPastItsTimeoutDoesNotOutliveIt() throws Exception {
        Assumptions.assumeTrue(FunctionSandbox.available(FunctionSandbox.Mode.ISOLATED, FunctionInvoker.DEFAULT_UID_BASE), "needs root, unshare and setpriv");
        int uidBase = FunctionInvoker.DEFAULT_UID_BASE + 500;
        FunctionSandbox sandbox = new FunctionSandbox(FunctionSandbox.Mode.ISOLATED, List.of(), uidBase);
        byte[] handler = Archives.compiled(dir.resolve("src-loop"), "Handler", """
                public class Handler implements Function {
                    public Object handle(Map<String, Object> input, FunctionContext ctx) {
                        // a function that means to outlive its kill: an exit it is asked for never completes
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> { while (true) { Thread.onSpinWait(); } }));
                        while (true) { Thread.onSpinWait(); }
                    }
                }""");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", "name: loop\nversion: 1\nmodel: default\nkind: java\nhandler: fn.Handler\nlimits: {timeout_ms: 1500}\n"
                .getBytes(StandardCharsets.UTF_8));
        entries.put("fn/Handler.class", handler);
        FunctionRegistry registry = new FunctionRegistry(dir.resolve("store-loop"));
        registry.deploy("loop", Archives.zip(entries));
        try (FunctionInvoker invoker = new FunctionInvoker(null, (GeneratingCalls) (model, request, listener, progress) -> {
            throw new AssertionError("no model call");
        }, (f, r) -> { }, sandbox)) {
            org.junit.jupiter.api.Assertions.assertThrows(FunctionTimeoutException.class,
                    () -> invoker.invoke(registry.resolve("loop"), Map.of(), TokenListener.NONE));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (runningAs(uidBase) && System.nanoTime() < deadline) Thread.sleep(100);
            assertFalse(runningAs(uidBase), "no process of the function's user is left once it was killed");
        }
    }

    /** Whether any process on the machine runs as {@code uid}. */
    private static boolean runningAs(int uid) throws Exception {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    for (String line : Files.readAllLines(p.resolve("status"))) {
                        if (line.startsWith("Uid:") && line.split("\\s+")[1].equals(Integer.toString(uid))) return true;
                    }
                } catch (java.io.IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return false;
    }
}
