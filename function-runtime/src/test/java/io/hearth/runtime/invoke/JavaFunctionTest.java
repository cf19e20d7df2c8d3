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
import io.hearth.runtime.Archives;
import io.hearth.runtime.deploy.FunctionRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
            return List.of(new ModelInfo("default", "echo", "none", 0, 2048, false, "cpu", 0, 0, 0, 0));
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
            return new Completion(modelId, new GenerationResult(new int[]{7}, "pong", FinishReason.STOP, 3, 0, 0, 0), 0, null, io.hearth.pool.PrefixReuse.NONE);
        }

        @Override
        public void close() {
        }
    };

    private final FunctionInvoker invoker = new FunctionInvoker(ECHO_POOL, ECHO_POOL::generate);

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
    void anUndeployedFunctionsClassesAreLetGo() throws Exception {
        // the handler's static state lives as long as its class loader
        var fn = deploy("counter", "return fn.Handler.class.getClassLoader().hashCode();", "timeout_ms: 5000");
        Object first = invoker.invoke(fn, Map.of(), TokenListener.NONE).output();
        assertEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "a deployed version keeps its loader");
        invoker.retainOnly(java.util.Set.of(fn.sha256()));
        assertEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "still deployed: kept");
        invoker.retainOnly(java.util.Set.of());
        assertNotEquals(first, invoker.invoke(fn, Map.of(), TokenListener.NONE).output(), "undeployed: let go (a new call loads it afresh)");
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
    void cannotSeeTheRuntimesClasses() throws Exception {
        var fn = deploy("snoop", """
                Class.forName("io.hearth.runtime.invoke.FunctionInvoker");
                return "escaped";""", "timeout_ms: 5000");
        FunctionFailedException e = assertThrows(FunctionFailedException.class, () -> invoker.invoke(fn, Map.of(), TokenListener.NONE));
        assertTrue(e.getMessage().contains("ClassNotFoundException"), e.getMessage());
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
     * Loops that ignore interruption, more of them than this machine has cores: each call times out, and another
     * function still runs at once. (Such a loop holds the thread it runs on; it must not hold one other functions need.)
     * The loops end when the test is over, through a system property they poll without ever blocking.
     */
    @Test
    void loopsThatIgnoreTheirTimeoutFailAloneAndOthersKeepServing() throws Exception {
        String release = "hearth.test.release-spinners." + System.nanoTime();
        var stubborn = deploy("stubborn", "long spins = 0; while (!Boolean.getBoolean(\"" + release + "\")) spins++; return spins;", "timeout_ms: 200");
        var quick = deploy("quick", "return \"still here\";", "timeout_ms: 5000");
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 1; i++) {
                assertThrows(FunctionTimeoutException.class, () -> invoker.invoke(stubborn, Map.of(), TokenListener.NONE));
            }
            Object answer = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> invoker.invoke(quick, Map.of(), TokenListener.NONE).output(), "another function is not starved of threads");
            assertEquals("still here", answer);
        } finally {
            System.setProperty(release, "true");
        }
    }
}
