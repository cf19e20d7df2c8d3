package io.hearth.runtime.invoke;

import io.hearth.engine.generate.FinishReason;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;
import io.hearth.function.Function;
import io.hearth.pool.Completion;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelRequest;
import io.hearth.runtime.resilience.ModelCalls;
import io.hearth.runtime.Archives;
import io.hearth.runtime.deploy.FunctionRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java functions run isolated: compiled here from source into real archives, deployed, invoked. */
class JavaFunctionTest {
    @TempDir
    Path dir;

    /** Our own pool interface answered by a fixed reply, so these tests need no model. */
    private static final ModelPool ECHO_POOL = new ModelPool() {
        @Override
        public List<ModelInfo> models() {
            return List.of(new ModelInfo("default", "echo", "none", 0, 2048, false, "cpu", 0, 0, 0, 0, 0));
        }

        @Override
        public boolean serves(String modelId) {
            return modelId.equals("default");
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public Map<String, String> failures() {
            return Map.of();
        }

        @Override
        public Completion generate(String modelId, ModelRequest request, TokenListener listener, LoadProgress progress) {
            listener.onToken(7, "pong");
            return new Completion(modelId, new GenerationResult(new int[]{7}, "pong", FinishReason.STOP, 3, 0, 0, 0), 0, null, io.hearth.pool.PrefixReuse.NONE, null);
        }

        @Override
        public io.hearth.pool.Embedding embed(String modelId, ModelRequest request, LoadProgress progress) {
            return new io.hearth.pool.Embedding(modelId, new float[]{1f, 0f}, io.hearth.engine.embed.Pooling.MEAN, 3, 0, 0, null,
                    io.hearth.pool.PrefixReuse.NONE);
        }

        @Override
        public void close() {
        }
    };

    /** The echo pool's answers on the invoker's model-call path. */
    private static final ModelCalls ECHO_CALLS = new ModelCalls() {
        @Override
        public Completion generate(String model, ModelRequest request, TokenListener listener, LoadProgress progress) {
            return ECHO_POOL.generate(model, request, listener, progress);
        }

        @Override
        public io.hearth.pool.Embedding embed(String model, ModelRequest request) {
            return ECHO_POOL.embed(model, request, LoadProgress.NONE);
        }
    };

    /** Why function processes ended unasked, as ops' metric hears it. */
    private final List<String> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final FunctionInvoker invoker = new FunctionInvoker(ECHO_POOL, ECHO_CALLS, (function, reason) -> exits.add(function + ":" + reason));

    @AfterEach
    void close() {
        invoker.close();
    }

    private FunctionRegistry.Deployed deploy(String name, String body, String limits) throws Exception {
        byte[] handler = Archives.compiled(dir.resolve(name), "Handler", """
                public class Handler implements Function {
                    public Object handle(Map<String, Object> input, FunctionContext ctx) throws Exception {
                        %s
                    }
                }""".formatted(body));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", ("name: " + name + "\nversion: 1\nmodel: default\nkind: java\nhandler: fn.Handler\n"
                + "config: {greeting: hello}\nlimits: {" + limits + "}\n").getBytes(StandardCharsets.UTF_8));
        entries.put("fn/Handler.class", handler);
        FunctionRegistry registry = new FunctionRegistry(dir.resolve("store"));
        registry.deploy(name, Archives.zip(entries));
        return registry.resolve(name);
    }

    @Test
    void deployRefusesHandlersThatCannotRunAndUnknownModels() throws Exception {
        FunctionRegistry registry = new FunctionRegistry(dir.resolve("checked"), (archive, copy) -> invoker.verify(archive.manifest(), copy));
        Map<String, byte[]> missing = new LinkedHashMap<>();
        missing.put("function.yaml", "name: gone\nversion: 1\nmodel: default\nkind: java\nhandler: fn.Missing\n".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(io.hearth.runtime.deploy.ArchiveInvalidException.class, () -> registry.deploy("gone", Archives.zip(missing)));
        assertTrue(e.getMessage().contains("handler class fn.Missing is not in the archive"), e.getMessage());
        assertThrows(io.hearth.runtime.deploy.FunctionNotFoundException.class, () -> registry.resolve("gone"), "nothing was deployed");
        Map<String, byte[]> otherModel = new LinkedHashMap<>();
        otherModel.put("function.yaml", "name: far\nversion: 1\nmodel: llama-70b\nkind: prompt\nprompt: {template: t}\n".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(io.hearth.runtime.deploy.ArchiveInvalidException.class, () -> registry.deploy("far", Archives.zip(otherModel)));
        assertTrue(e.getMessage().contains("names model 'llama-70b', which this server does not serve"), e.getMessage());
    }

    @Test
    void anUndeployedFunctionsProcessIsLetGo() throws Exception {
        // the handler and its static state live as long as its process
        // (a process of its own may have pid 1 in a namespace of its own: a random mark made at its start tells them apart)
        var fn = deploy("counter", "return System.getProperties().computeIfAbsent(\"mark\", k -> UUID.randomUUID().toString());",
                "timeout_ms: 5000");
        Object first = invoker.invoke(fn, Map.of(), TokenListener.NONE).output();
        assertTrue(ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive), "a java function runs in a process of its own");
        assertEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "a deployed version keeps its process");
        invoker.retainOnly(java.util.Set.of(fn.sha256()));
        assertEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "still deployed: kept");
        invoker.retainOnly(java.util.Set.of());
        assertTrue(Eventually.noChildren(), "undeployed: its process ends");
        assertNotEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "and a new call starts afresh");
    }

    /** Waits a few seconds for a process to end. */
    private static final class Eventually {
        static boolean noChildren() throws InterruptedException {
            for (int i = 0; i < 100; i++) {
                if (ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive)) return true;
                Thread.sleep(50);
            }
            return false;
        }
    }

    /** A model call the server refuses keeps its own error (here 429's) through the function's process, unless caught. */
    @Test
    void aRefusedModelCallKeepsTheServersOwnError() throws Exception {
        try (FunctionInvoker busy = new FunctionInvoker(ECHO_POOL, (GeneratingCalls) (model, request, listener, progress) -> {
            throw new io.hearth.pool.PoolBusyException("model default has 8 requests waiting; retry shortly");
        })) {
            var plain = deploy("asks", "return ctx.model().complete(\"ping\", null).text();", "timeout_ms: 5000");
            var e = assertThrows(io.hearth.pool.PoolBusyException.class, () -> busy.invoke(plain, Map.of(), TokenListener.NONE));
            assertEquals("model default has 8 requests waiting; retry shortly", e.getMessage());
            var careful = deploy("careful", "try { return ctx.model().complete(\"ping\", null).text(); } catch (RuntimeException e) { return \"caught: \" + e.getMessage(); }",
                    "timeout_ms: 5000");
            assertEquals("caught: model default has 8 requests waiting; retry shortly", busy.invoke(careful, Map.of(), TokenListener.NONE).output());
        }
    }

    @Test
    void callsItsModelAndSeesItsConfig() throws Exception {
        var fn = deploy("ok", """
                var r = ctx.model().complete("ping", null);
                return Map.of("reply", r.text(), "greeting", ctx.config("greeting").orElse("?"), "name", ctx.functionName());""",
                "timeout_ms: 5000");
        InvocationResult result = invoker.invoke(fn, Map.of(), TokenListener.NONE);
        assertEquals(Map.of("reply", "pong", "greeting", "hello", "name", "ok"), result.output());
        assertEquals(3, result.promptTokens(), "usage counts the function's model calls");
        assertEquals(1, result.completionTokens());
    }

    @Test
    void embedsThroughItsModelOnTheServersPath() throws Exception {
        var fn = deploy("embedder", """
                float[] v = ctx.model().embed("hello <|im_start|>");
                return java.util.Arrays.toString(v);""", "timeout_ms: 5000");
        InvocationResult result = invoker.invoke(fn, Map.of(), TokenListener.NONE);
        assertEquals("[1.0, 0.0]", result.output(), "the server's vector, through the function's process");
        assertEquals(3, result.promptTokens(), "usage counts the embedding's tokens");
        assertEquals(0, result.completionTokens());
    }

    @Test
    void cannotSeeTheRuntimesClasses() throws Exception {
        var fn = deploy("snoop", """
                Class.forName("io.hearth.runtime.invoke.FunctionInvoker");
                return "escaped";""", "timeout_ms: 5000");
        FunctionFailedException e = assertThrows(FunctionFailedException.class, () -> invoker.invoke(fn, Map.of(), TokenListener.NONE));
        assertTrue(e.getMessage().contains("ClassNotFoundException"), e.getMessage());
        var env = deploy("env", "return new TreeMap<>(System.getenv()).toString();", "timeout_ms: 5000");
        assertEquals("{}", invoker.invoke(env, Map.of(), TokenListener.NONE).output(), "nor the server's environment, where its secrets are");
    }

    @Test
    void aThrowingFunctionFailsAloneWithItsMessage() throws Exception {
        var fn = deploy("broken", "throw new IllegalStateException(\"no luck\");", "timeout_ms: 5000");
        FunctionFailedException e = assertThrows(FunctionFailedException.class, () -> invoker.invoke(fn, Map.of(), TokenListener.NONE));
        assertEquals("broken@1 failed: IllegalStateException: no luck", e.getMessage());
    }

    @Test
    void anEndlessLoopTimesOut() throws Exception {
        var fn = deploy("spin", "while (!Thread.currentThread().isInterrupted()) { } return null;", "timeout_ms: 300");
        long start = System.nanoTime();
        assertThrows(FunctionTimeoutException.class, () -> invoker.invoke(fn, Map.of(), TokenListener.NONE));
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    /**
     * Loops that ignore interruption, more of them than this machine has cores: each call times out, its process is
     * stopped (nothing spins on afterwards), and another function still runs at once.
     */
    @Test
    void loopsThatIgnoreTheirTimeoutFailAloneAndOthersKeepServing() throws Exception {
        var stubborn = deploy("stubborn", "long spins = 0; while (!Boolean.getBoolean(\"never.set\")) spins++; return spins;", "timeout_ms: 1000");
        var quick = deploy("quick", "return \"still here\";", "timeout_ms: 5000");
        for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 1; i++) {
            assertThrows(FunctionTimeoutException.class, () -> invoker.invoke(stubborn, Map.of(), TokenListener.NONE));
        }
        Object answer = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> invoker.invoke(quick, Map.of(), TokenListener.NONE).output(), "another function is not starved");
        assertEquals("still here", answer);
        assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains("/stubborn/1.zip"))
                .orElse(false) && p.isAlive()), "no stopped function's process spins on");
        assertTrue(exits.contains("stubborn:timeout"), "ops hear why: " + exits);
    }

    /** A function that allocates without bound runs out of its own heap, not the server's; it fails, then serves again. */
    @Test
    void aFunctionThatAllocatesWithoutBoundFailsAlone() throws Exception {
        var hog = deploy("hog", "List<byte[]> kept = new ArrayList<>(); while (true) kept.add(new byte[1 << 20]);", "timeout_ms: 20000, memory_mb: 64");
        var quick = deploy("quick", "return \"still here\";", "timeout_ms: 5000");
        FunctionFailedException e = assertThrows(FunctionFailedException.class, () -> invoker.invoke(hog, Map.of(), TokenListener.NONE));
        assertTrue(e.getMessage().contains("ran out of its memory limit of 64 MB"), e.getMessage());
        assertEquals("still here", invoker.invoke(quick, Map.of(), TokenListener.NONE).output());
        assertThrows(FunctionFailedException.class, () -> invoker.invoke(hog, Map.of(), TokenListener.NONE), "a fresh process, the same fate");
        assertEquals(List.of("hog:out_of_memory", "hog:out_of_memory"), exits, "ops hear why");
    }
}
