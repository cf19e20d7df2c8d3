package io.hearth.runtime.invoke;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.function.Function;
import io.hearth.function.ModelClient;
import io.hearth.host.Channel;
import io.hearth.host.Frames;
import io.hearth.host.ModelFrames;
import io.hearth.host.FunctionHost;
import io.hearth.runtime.deploy.FunctionManifest;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host process ({@link FunctionHost}) of a function's own code (a java function's handler, an input guard), as
 * the server drives it: started with the function's heap
 * limit ({@code limits.memory_mb}), ended by the JVM when the function runs out of it, and killed when a call overruns
 * its timeout, so a function that loops or allocates without bound fails alone while the server and every other
 * function go on. Calls travel as frames; the function's model calls come back and run here, on the guarded path, so
 * their errors are the server's own. What the function prints is logged as {@code hearth.function.<name>}.
 */
final class FunctionProcess {
    private static final Logger LOG = Logger.getLogger(FunctionProcess.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    /** The JVM's exit status under -XX:+ExitOnOutOfMemoryError. */
    private static final int OUT_OF_MEMORY = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** A call in flight: its answer, the model client its model calls use, and the errors those calls met. */
    private record Call(CompletableFuture<Map<String, Object>> answer, ModelClient model, Map<Long, RuntimeException> modelErrors) {
    }

    /** Hears why a function's process ended when the server did not ask it to: {@code timeout}, {@code out_of_memory}, {@code crashed}. */
    @FunctionalInterface
    interface Exits {
        Exits NONE = (function, reason) -> { };

        void ended(String function, String reason);
    }

    private final FunctionManifest manifest;
    private final Exits exits;
    private final Process process;
    private final Channel channel;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private final ExecutorService modelCalls = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("hearth-function-model-", 0).factory());
    private volatile boolean retiring;
    private volatile boolean timedOut;

    private FunctionProcess(FunctionManifest manifest, Exits exits, Process process) {
        this.manifest = manifest;
        this.exits = exits;
        this.process = process;
        this.channel = new Channel(new DataInputStream(new BufferedInputStream(process.getInputStream())),
                new DataOutputStream(new BufferedOutputStream(process.getOutputStream())));
    }

    /** Starts the host for a function's archive and waits until its classes are created; one that cannot be is an IllegalArgumentException. */
    static FunctionProcess start(FunctionManifest m, Path archive, Exits exits, FunctionSandbox sandbox) {
        FunctionSandbox.Prepared prepared = sandbox.prepare(archive, classPath());
        List<String> command = new ArrayList<>(prepared.prefix());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + m.memoryMb() + "m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-Xss1m",
                // no native calls (FFM, JNI) from a function's code, and its temporary files in its own folder
                "--illegal-native-access=deny", "-XX:-UsePerfData", "-Djava.io.tmpdir=" + prepared.workDir(), "-Duser.home=" + prepared.workDir(),
                "-cp", prepared.classPath(), FunctionHost.class.getName()));
        Process process = null;
        try {
            command.addAll(List.of(prepared.archive(), m.kind() == FunctionManifest.Kind.JAVA ? m.handler() : "-", m.name(),
                    m.version(), JSON.writeValueAsString(m.config()), m.guards().filter() != null ? m.guards().filter() : "-"));
            ProcessBuilder builder = new ProcessBuilder(command).directory(prepared.dir().toFile());
            // nothing of the server's environment (its admin and keystore passwords live there) reaches a function
            builder.environment().clear();
            try {
                process = builder.start();
            } catch (IOException e) {
                prepared.release().run();
                throw e;
            }
            process.onExit().thenRun(prepared.release());
            FunctionProcess started = new FunctionProcess(m, exits, process);
            Thread.ofPlatform().daemon().name("hearth-function-log-" + m.name()).start(started::relayLog);
            CompletableFuture<Map<String, Object>> first = CompletableFuture.supplyAsync(started::readFrame);
            Map<String, Object> hello = first.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (hello == null || !Frames.is(hello, Frames.READY)) {
                process.destroyForcibly();
                throw new IllegalArgumentException(hello != null ? String.valueOf(hello.get("message")) : m.id() + ": its process ended before its handler was created");
            }
            Thread.ofPlatform().daemon().name("hearth-function-" + m.name()).start(started::dispatch);
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the process of " + m.id() + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(m.id() + ": its process did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + m.id(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(m.id() + ": its process could not be read: " + e.getCause(), e.getCause());
        }
    }

    /** The host's classes, the function API, JSON and JSON Schema generation, wherever this server loaded them from (jars in the EAR, or classes). */
    private static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (Class<?> c : new Class<?>[]{FunctionHost.class, Function.class, ObjectMapper.class, JsonFactory.class, JsonProperty.class,
                com.github.victools.jsonschema.generator.SchemaGenerator.class, com.fasterxml.classmate.TypeResolver.class}) {
            try {
                Path entry = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!entries.contains(entry)) entries.add(entry);
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate " + c.getName(), e);
            }
        }
        return entries;
    }

    boolean alive() {
        return process.isAlive() && !retiring;
    }

    /**
     * Runs one call: its output, or the error it ended in. A call past {@code deadline} kills the process (whatever
     * the function does, it stops) and fails with a timeout; so do the other calls then in it.
     */
    Object invoke(Map<String, Object> input, ModelClient model, Instant deadline, String requestId) {
        return exchange(Map.of(Frames.TYPE, Frames.INVOKE, "input", input, "deadline", deadline.toEpochMilli(), "request_id", requestId), model, deadline);
    }

    /** The input guard's verdict on {@code input}: why it is refused, or null. Held to the function's timeout. */
    String screen(Map<String, Object> input) {
        return (String) exchange(Map.of(Frames.TYPE, Frames.SCREEN, "input", input), null, Instant.now().plusMillis(manifest.timeoutMillis()));
    }

    private Object exchange(Map<String, Object> request, ModelClient model, Instant deadline) {
        long id = IDS.incrementAndGet();
        Call call = new Call(new CompletableFuture<>(), model, new ConcurrentHashMap<>());
        calls.put(id, call);
        try {
            Map<String, Object> frame = new java.util.HashMap<>(request);
            frame.put("id", id);
            channel.send(frame);
            Map<String, Object> answer = call.answer().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            return outcome(answer, call);
        } catch (TimeoutException e) {
            timedOut = true;
            kill(manifest.id() + ": its process was stopped when a call ran past its timeout of " + manifest.timeoutMillis() + " ms");
            throw new FunctionTimeoutException(manifest.id() + " ran past its timeout of " + manifest.timeoutMillis() + " ms");
        } catch (IOException e) {
            throw new FunctionFailedException(manifest.id() + " failed: " + deathReason(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FunctionTimeoutException(manifest.id() + " was interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new FunctionFailedException(manifest.id() + " failed: " + e.getCause(), e.getCause());
        } finally {
            calls.remove(id);
            if (retiring && calls.isEmpty()) stop();
        }
    }

    private Object outcome(Map<String, Object> answer, Call call) {
        if (Frames.is(answer, Frames.RESULT)) return answer.get("output");
        if (Frames.is(answer, Frames.SCREENED)) return answer.get("refusal");
        if (answer.get("model_call") instanceof Number n && call.modelErrors().get(n.longValue()) instanceof RuntimeException platform) throw platform;
        String message = (String) answer.get("message");
        if (Boolean.TRUE.equals(answer.get("bad_input"))) throw new IllegalArgumentException(message);
        throw new FunctionFailedException(manifest.id() + " failed: " + answer.get("class") + (message != null ? ": " + message : ""), null);
    }

    /** Reads frames until the process ends: model calls run here, answers complete their calls. */
    private void dispatch() {
        for (Map<String, Object> frame; (frame = readFrame()) != null; ) {
            Map<String, Object> f = frame;
            switch (Frames.typeOf(f)) {
                case Frames.MODEL -> modelCalls.execute(() -> modelCall(f));
                case Frames.RESULT, Frames.SCREENED, Frames.ERROR -> {
                    Call call = calls.get(((Number) f.get("id")).longValue());
                    if (call != null) call.answer().complete(f);
                }
                default -> LOG.warning(() -> manifest.id() + ": unknown frame " + Frames.typeOf(f));
            }
        }
        String reason = deathReason();
        if (timedOut) exits.ended(manifest.name(), "timeout");
        else if (!retiring) exits.ended(manifest.name(), !process.isAlive() && process.exitValue() == OUT_OF_MEMORY ? "out_of_memory" : "crashed");
        calls.values().forEach(c -> c.answer().completeExceptionally(new FunctionFailedException(manifest.id() + " failed: " + reason, null)));
        modelCalls.shutdown();
    }

    /** The next frame; null once the process ended (a JVM ending on OutOfMemoryError says so on its output first). */
    private Map<String, Object> readFrame() {
        try {
            return channel.read();
        } catch (IOException e) {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) return null;
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, manifest.id() + ": its process sent what is not a frame; it is stopped", e);
            stop();
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private void modelCall(Map<String, Object> frame) {
        long id = ((Number) frame.get("id")).longValue(), callId = ((Number) frame.get("call")).longValue();
        Call call = calls.get(id);
        try {
            if (call == null) throw new IllegalStateException("the call is over");
            ModelClient.ModelOptions modelOptions = ModelFrames.options((Map<String, Object>) frame.getOrDefault("options", Map.of()));
            Map<String, Object> answer = new java.util.HashMap<>(switch (String.valueOf(frame.get("kind"))) {
                case "chat" -> ModelFrames.result(call.model().chat(((List<Map<String, Object>>) frame.get("messages")).stream()
                        .map(ModelFrames::message).toList(), modelOptions));
                case "complete" -> ModelFrames.result(call.model().complete((String) frame.get("prompt"), modelOptions));
                case "embed" -> ModelFrames.embedding(call.model().embed((String) frame.get("text")));
                default -> throw new IllegalArgumentException("a model call of kind '" + frame.get("kind") + "' is not one Hearth makes");
            });
            answer.put(Frames.TYPE, Frames.MODEL_RESULT);
            answer.put("call", callId);
            reply(answer);
        } catch (RuntimeException e) {
            if (call != null) call.modelErrors().put(callId, e);
            reply(Map.of(Frames.TYPE, Frames.MODEL_ERROR, "call", callId, "message", String.valueOf(e.getMessage())));
        }
    }

    private void reply(Map<String, Object> frame) {
        try {
            channel.send(frame);
        } catch (IOException gone) {
            LOG.fine(() -> manifest.id() + ": its process ended before a model call's answer: " + gone.getMessage());
        }
    }

    private void relayLog() {
        Logger log = Logger.getLogger("hearth.function." + manifest.name());
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream()))) {
            for (String line; (line = err.readLine()) != null; ) {
                String l = line;
                log.info(() -> manifest.id() + ": " + l);
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    private String deathReason() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) return "its process stopped answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) return "its process stopped answering";
        return process.exitValue() == OUT_OF_MEMORY
                ? "it ran out of its memory limit of " + manifest.memoryMb() + " MB (limits.memory_mb)"
                : "its process ended (exit status " + process.exitValue() + ")";
    }

    private void kill(String why) {
        LOG.warning(why);
        stop();
    }

    /** Ends the process now; from here on it is not {@link #alive()}, though the kill takes a moment. */
    private void stop() {
        retiring = true;
        process.destroyForcibly();
    }

    /** Ends the process once the calls in it are over (at once when there are none). */
    void retire() {
        retiring = true;
        if (calls.isEmpty()) stop();
    }
}
