package io.hearth.runtime.sse;

import io.hearth.runtime.errors.ApiError;
import io.hearth.runtime.errors.ErrorMapper;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response: each {@code send} is one {@code data:} event, flushed at once, and the stream ends
 * with {@code data: [DONE]}. Once the status line is out an error cannot change it, so errors become an
 * {@code {"error":...}} event; a client that hangs up makes {@code send} throw, which ends the generation and frees
 * its KV blocks.
 */
public final class EventStream {
    private static final Jsonb JSON = JsonbBuilder.create();

    /** Writes the events of one response. */
    @FunctionalInterface
    public interface Producer {
        void produce(EventStream events);
    }

    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    public static Response of(Producer producer) {
        StreamingOutput output = out -> {
            EventStream events = new EventStream(out);
            try {
                try {
                    producer.produce(events);
                } catch (UncheckedIOException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // the status went out with the first event: a failure after it is an error event, which OpenAI's
                    // SDKs and LangChain4j raise as an exception, and the stream ends without [DONE]
                    events.send("error", ErrorMapper.describe(e));
                    return;
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache").build();
    }

    public void send(Object event) {
        write("data: " + JSON.toJson(event) + "\n\n");
    }

    /** A named event ({@code event: <name>}), which clients that only read plain data events skip. */
    public void send(String name, Object event) {
        write("event: " + name + "\ndata: " + JSON.toJson(event) + "\n\n");
    }

    /** Choices generated together write their chunks from several threads: each event goes out whole. */
    private synchronized void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
