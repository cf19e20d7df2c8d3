package io.hearth.host;

import io.hearth.function.ModelClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A function's model calls, made by the server: each is sent as a {@code model} frame and waited for. A call the
 * server refused comes back as {@link ModelCallFailedException}, naming the server's error, so the function may catch
 * it, and the server, if the function does not, answers as it would have without a host.
 */
final class RemoteModelClient implements ModelClient {
    private static final AtomicLong CALLS = new AtomicLong();
    private static final Map<Long, CompletableFuture<Map<String, Object>>> PENDING = new ConcurrentHashMap<>();

    private final Channel channel;
    private final long invocation;

    RemoteModelClient(Channel channel, long invocation) {
        this.channel = channel;
        this.invocation = invocation;
    }

    /** The server's answer to a model call. */
    static void answered(Map<String, Object> frame) {
        CompletableFuture<Map<String, Object>> waiting = PENDING.remove(((Number) frame.get("call")).longValue());
        if (waiting != null) waiting.complete(frame);
    }

    @Override
    public ModelResult chat(List<Message> messages, ModelOptions options) {
        return call(Map.of("kind", "chat", "messages", messages.stream().map(ModelFrames::message).toList()), options);
    }

    @Override
    public <T> T chat(List<Message> messages, Class<T> type, ModelOptions options) {
        return TypedAnswers.read(chat(messages, TypedAnswers.forType(options, type)), type);
    }

    @Override
    public ModelResult complete(String prompt, ModelOptions options) {
        return call(Map.of("kind", "complete", "prompt", prompt), options);
    }

    @Override
    public float[] embed(String text) {
        return ModelFrames.embedding(exchange(Map.of("kind", "embed", "text", text), null));
    }

    private ModelResult call(Map<String, Object> what, ModelOptions options) {
        return ModelFrames.result(exchange(what, options));
    }

    /** Sends a model frame and waits for the server's answer; a refusal is thrown as {@link ModelCallFailedException}. */
    private Map<String, Object> exchange(Map<String, Object> what, ModelOptions options) {
        long call = CALLS.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        PENDING.put(call, answer);
        Map<String, Object> frame = new HashMap<>(what);
        frame.put(Frames.TYPE, Frames.MODEL);
        frame.put("id", invocation);
        frame.put("call", call);
        if (options != null) frame.put("options", ModelFrames.options(options)); // an embedding samples nothing
        try {
            channel.send(frame);
            Map<String, Object> reply = answer.get();
            if (Frames.is(reply, Frames.MODEL_ERROR)) throw new ModelCallFailedException(call, String.valueOf(reply.get("message")));
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("the server is gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            PENDING.remove(call);
        }
    }
}
