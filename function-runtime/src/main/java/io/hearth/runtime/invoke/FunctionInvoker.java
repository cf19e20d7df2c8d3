package io.hearth.runtime.invoke;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.FatalTemplateErrorsException;
import io.hearth.engine.generate.TokenListener;
import io.hearth.function.Function;
import io.hearth.function.InputGuard;
import io.hearth.function.ModelClient;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelPool;
import io.hearth.runtime.deploy.ArchiveInvalidException;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.guard.ModelCalls;

import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs deployed functions. A prompt function renders its template over the input and calls its model; a java
 * function runs in its own class loader on a virtual thread, so one that throws or loops past its timeout fails
 * alone. Each version admits at most {@code limits.concurrency} invocations at once; more are refused (429).
 */
public final class FunctionInvoker implements AutoCloseable {
    /** A deployed version ready to run: its admission limit and, for java functions, its handler. */
    private record Loaded(FunctionManifest manifest, Semaphore permits, Function handler, FunctionClassLoader loader, Guards guards) {
    }

    private final ModelPool pool;
    private final ModelCalls calls;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    /**
     * Platform threads, not virtual ones: a function looping without ever blocking holds the thread it runs on past
     * its timeout (interruption cannot stop it), and a virtual thread would hold one of the few carrier threads every
     * other function's calls need. The operating system shares the cores among platform threads; how many run is
     * bounded by the functions' concurrency limits.
     */
    private final ExecutorService javaThreads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("hearth-function-", 0).factory());
    private final Jinjava templates = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(false).build());

    /** {@code pool} answers which models exist; model calls go through {@code calls} (the guarded path). */
    public FunctionInvoker(ModelPool pool, ModelCalls calls) {
        this.pool = pool;
        this.calls = calls;
    }

    public InvocationResult invoke(FunctionRegistry.Deployed deployed, Map<String, Object> input, TokenListener listener) {
        return invoke(deployed, input, listener, InvocationOptions.NONE);
    }

    /** Runs a function on {@code input}, its generated text going to {@code listener} as it comes. */
    public InvocationResult invoke(FunctionRegistry.Deployed deployed, Map<String, Object> input, TokenListener listener,
                                   InvocationOptions options) {
        Loaded function = loaded.computeIfAbsent(deployed.sha256(), sha -> load(deployed));
        FunctionManifest m = function.manifest();
        if (!function.permits().tryAcquire()) {
            throw new FunctionBusyException(m.id() + " is at its concurrency limit of " + m.concurrency() + "; retry shortly");
        }
        try {
            long start = System.nanoTime();
            AtomicLong firstToken = new AtomicLong();
            TokenListener timed = (token, text) -> {
                firstToken.compareAndSet(0, System.nanoTime());
                listener.onToken(token, text);
            };
            Instant deadline = Instant.now().plusMillis(m.timeoutMillis());
            Map<String, Object> screened = function.guards().screen(input);
            // redacted output is only known whole: the pieces of a stream are held back, the answer carries it all
            TokenListener relayed = m.guards().redacts() ? (token, text) -> firstToken.compareAndSet(0, System.nanoTime()) : timed;
            PoolModelClient model = new PoolModelClient(calls, m, deadline, options, relayed);
            InvocationContext context = new InvocationContext(m, model, deadline, UUID.randomUUID().toString());
            Outcome outcome = m.kind() == FunctionManifest.Kind.PROMPT ? runPrompt(m, screened, model) : runJava(function, screened, context);
            long end = System.nanoTime();
            return new InvocationResult(m.name(), m.version(), model.servedBy(), function.guards().redact(outcome.output()), outcome.finishReason(), model.promptTokens(),
                    model.completionTokens(), model.queuedNanos() / 1e6, firstToken.get() == 0 ? -1 : (firstToken.get() - start) / 1e6, (end - start) / 1e6,
                    model.coldStart(), model.prefix());
        } finally {
            function.permits().release();
        }
    }

    /** What a function produced, before timings and usage are added. */
    private record Outcome(Object output, String finishReason) {
    }

    private Outcome runPrompt(FunctionManifest m, Map<String, Object> input, ModelClient model) {
        String user;
        try {
            user = templates.render(m.template(), input);
        } catch (FatalTemplateErrorsException e) {
            throw new IllegalArgumentException("the input does not fit " + m.id() + "'s template: " + e.getMessage());
        }
        List<ModelClient.Message> messages = new ArrayList<>();
        if (m.system() != null) messages.add(ModelClient.Message.system(m.system()));
        messages.add(ModelClient.Message.user(user));
        ModelClient.ModelResult r = model.chat(messages, ModelClient.ModelOptions.defaults());
        return new Outcome(r.text(), r.finishReason());
    }

    private Outcome runJava(Loaded function, Map<String, Object> input, InvocationContext context) {
        FunctionManifest m = function.manifest();
        Future<Object> result = javaThreads.submit(() -> {
            Thread.currentThread().setContextClassLoader(function.loader());
            return function.handler().handle(input, context);
        });
        try {
            return new Outcome(result.get(m.timeoutMillis(), TimeUnit.MILLISECONDS), "stop");
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new FunctionTimeoutException(m.id() + " ran past its timeout of " + m.timeoutMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re && isPlatformError(re)) throw re;
            throw new FunctionFailedException(m.id() + " failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FunctionTimeoutException(m.id() + " was interrupted");
        }
    }

    /**
     * Errors that keep their own meaning: limits, failures and timeouts the platform raised inside a model call, and
     * IllegalArgumentException, which the function API defines as rejecting the caller's input.
     */
    private static boolean isPlatformError(RuntimeException e) {
        String from = e.getClass().getPackageName();
        return e instanceof FunctionTimeoutException || e instanceof IllegalArgumentException || from.equals("io.hearth.pool")
                || from.equals("io.hearth.runtime.guard") || from.equals("org.eclipse.microprofile.faulttolerance.exceptions");
    }

    /**
     * Refuses an archive that could never run here: its model is not served, or its java handler cannot be loaded
     * and created. Called before a deploy stores anything.
     */
    public void verify(FunctionManifest m, java.nio.file.Path archive) {
        if (!pool.serves(m.model())) {
            throw new ArchiveInvalidException(m.id() + " names model '" + m.model() + "', which this server does not serve (served: "
                    + String.join(", ", pool.models().stream().map(io.hearth.pool.ModelInfo::id).toList()) + ")");
        }
        if (m.kind() == FunctionManifest.Kind.JAVA || m.guards().filter() != null) {
            try {
                Loaded loaded = load(m, archive);
                close(loaded.loader());
            } catch (IllegalArgumentException e) {
                throw new ArchiveInvalidException(e.getMessage());
            }
        }
    }

    private static Loaded load(FunctionRegistry.Deployed deployed) {
        return load(deployed.manifest(), deployed.archive());
    }

    private static Loaded load(FunctionManifest m, java.nio.file.Path archive) {
        Semaphore permits = new Semaphore(m.concurrency());
        String filter = m.guards().filter();
        if (m.kind() == FunctionManifest.Kind.PROMPT && filter == null) return new Loaded(m, permits, null, null, new Guards(m.id(), m.guards(), null));
        FunctionClassLoader loader;
        try {
            loader = new FunctionClassLoader(m.id(), archive.toUri().toURL(), Function.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try {
            Function handler = m.kind() == FunctionManifest.Kind.JAVA ? instance(m, loader, m.handler(), Function.class, "handler") : null;
            InputGuard guard = filter != null ? instance(m, loader, filter, InputGuard.class, "guards.filter") : null;
            return new Loaded(m, permits, handler, loader, new Guards(m.id(), m.guards(), guard));
        } catch (IllegalArgumentException e) {
            close(loader);
            throw e;
        }
    }

    /** An instance of the archive's class {@code name}, which must implement {@code type}; what it names in function.yaml is {@code role}. */
    private static <T> T instance(FunctionManifest m, FunctionClassLoader loader, String name, Class<T> type, String role) {
        try {
            Class<?> found = Class.forName(name, true, loader);
            if (!type.isAssignableFrom(found)) {
                throw new IllegalArgumentException(m.id() + ": " + role + " " + name + " does not implement " + type.getName());
            }
            return type.cast(found.getConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(m.id() + ": " + role + " class " + name + " is not in the archive");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException(m.id() + ": cannot create " + role + " " + name + " (it needs a public no-argument constructor): " + e);
        }
    }

    private static void close(FunctionClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /**
     * Drops what was loaded for archives no longer deployed (undeployed functions): their class loaders go once no
     * invocation in flight holds them. Not closed here, since a call may still be running on one.
     */
    public void retainOnly(java.util.Set<String> deployedSha256s) {
        loaded.keySet().retainAll(deployedSha256s);
    }

    @Override
    public void close() {
        javaThreads.shutdownNow();
        for (Loaded l : loaded.values()) if (l.loader() != null) close(l.loader());
    }
}
