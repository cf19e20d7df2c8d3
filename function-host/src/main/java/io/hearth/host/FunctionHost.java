package io.hearth.host;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.function.Function;
import io.hearth.function.InputGuard;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The process a function's own code runs in, apart from the server: started by the server with its own heap limit
 * (and ended on running out of it), and killed when a call overruns its timeout, so a function that loops or allocates
 * without bound fails alone. It loads the handler and the input guard from the archive (their class loader sees only
 * the archive, the JDK and the function API), says {@code ready}, then runs each {@code invoke} frame on its own thread
 * and answers {@code result} or {@code error}, and each {@code screen} frame with {@code screened}; model calls go back
 * to the server. Standard output carries the frames only: what the function prints goes to standard error, which the
 * server logs.
 *
 * <p>Arguments: archive, handler class ({@code -}: none, a prompt function), function name, version, config (a JSON
 * object of strings), input guard class ({@code -}: none).
 */
public final class FunctionHost {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionHost() {
    }

    public static void main(String[] args) throws Exception {
        DataOutputStream frames = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err);
        Channel channel = new Channel(new DataInputStream(new BufferedInputStream(System.in)), frames);
        String name = args[2], version = args[3];
        Map<String, String> config = JSON.readValue(args[4], new TypeReference<>() { });
        String id = name + "@" + version;
        FunctionClassLoader loader = new FunctionClassLoader(id, Path.of(args[0]).toUri().toURL(), Function.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Function handler = create(channel, loader, id, args[1], Function.class, "handler");
        InputGuard guard = create(channel, loader, id, args[5], InputGuard.class, "guards.filter");
        channel.send(Map.of(Frames.TYPE, Frames.READY));
        for (Map<String, Object> frame; (frame = channel.read()) != null; ) {
            switch (Frames.typeOf(frame)) {
                case Frames.INVOKE -> {
                    Map<String, Object> invoke = frame;
                    Thread.ofPlatform().daemon().name("invocation-" + invoke.get("id")).start(() -> run(channel, handler, name, version, config, invoke));
                }
                case Frames.SCREEN -> {
                    Map<String, Object> screen = frame;
                    Thread.ofPlatform().daemon().name("screen-" + screen.get("id")).start(() -> screen(channel, guard, screen));
                }
                case Frames.MODEL_RESULT, Frames.MODEL_ERROR -> RemoteModelClient.answered(frame);
                default -> System.err.println("function host: unknown frame " + Frames.typeOf(frame));
            }
        }
        System.exit(0);
    }

    private static void refuse(Channel channel, String why) throws IOException {
        channel.send(Map.of(Frames.TYPE, Frames.FAILED, "message", why));
        System.exit(2);
    }

    /** The archive's class {@code name} as a {@code type}, made with its no-argument constructor; null for "-". */
    private static <T> T create(Channel channel, FunctionClassLoader loader, String id, String name, Class<T> type, String role) throws IOException {
        if (name.equals("-")) return null;
        try {
            Class<?> found = Class.forName(name, true, loader);
            if (!type.isAssignableFrom(found)) refuse(channel, id + ": " + role + " " + name + " does not implement " + type.getName());
            return type.cast(found.getConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            refuse(channel, id + ": " + role + " class " + name + " is not in the archive");
        } catch (ReflectiveOperationException | LinkageError e) {
            refuse(channel, id + ": cannot create " + role + " " + name + " (it needs a public no-argument constructor): " + e);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static void screen(Channel channel, InputGuard guard, Map<String, Object> screen) {
        Map<String, Object> answer = new HashMap<>();
        answer.put("id", screen.get("id"));
        try {
            answer.put("refusal", guard.refusal((Map<String, Object>) screen.get("input")));
            answer.put(Frames.TYPE, Frames.SCREENED);
        } catch (RuntimeException e) {
            failed(answer, e);
        }
        answer(channel, answer);
    }

    @SuppressWarnings("unchecked")
    private static void run(Channel channel, Function handler, String name, String version, Map<String, String> config, Map<String, Object> invoke) {
        long id = ((Number) invoke.get("id")).longValue();
        Thread.currentThread().setContextClassLoader(handler.getClass().getClassLoader());
        Map<String, Object> answer = new HashMap<>();
        answer.put("id", id);
        try {
            HostContext context = new HostContext(name, version, config, new RemoteModelClient(channel, id),
                    Instant.ofEpochMilli(((Number) invoke.get("deadline")).longValue()), (String) invoke.get("request_id"));
            answer.put("output", handler.handle((Map<String, Object>) invoke.get("input"), context));
            answer.put(Frames.TYPE, Frames.RESULT);
        } catch (Throwable t) {
            failed(answer, t);
        }
        answer(channel, answer);
    }

    /**
     * An {@code error} answer: what was thrown, whether it means bad input, and the model call (if any) whose refusal
     * it carries, so the server answers with its own error.
     */
    private static void failed(Map<String, Object> answer, Throwable t) {
        answer.put(Frames.TYPE, Frames.ERROR);
        answer.put("class", t.getClass().getSimpleName());
        answer.put("message", t.getMessage());
        answer.put("bad_input", t instanceof IllegalArgumentException);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ModelCallFailedException failed) answer.put("model_call", failed.call());
        }
    }

    private static void answer(Channel channel, Map<String, Object> answer) {
        try {
            channel.send(answer);
        } catch (IOException serverGone) {
            System.exit(0);
        }
    }
}
