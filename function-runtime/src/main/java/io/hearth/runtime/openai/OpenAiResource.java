package io.hearth.runtime.openai;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.engine.kv.KvCacheFullException;
import io.hearth.runtime.errors.ApiError;
import io.hearth.runtime.pool.PoolHolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The OpenAI-compatible API, so existing clients work unchanged: list models, chat completions and text completions,
 * as JSON or, with {@code "stream": true}, as server-sent events ending in {@code data: [DONE]}. The resource only
 * translates HTTP; the pool runs the model.
 */
@Path("/v1")
@ApplicationScoped
public class OpenAiResource {
    private static final Jsonb JSON = JsonbBuilder.create();

    @Inject
    PoolHolder holder;

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Responses.ModelList models() {
        List<Responses.Model> data = new ArrayList<>();
        for (ModelInfo m : holder.pool().models()) {
            data.add(new Responses.Model(m.id(), "model", 0, m.randomWeights() ? "hearth (random weights)" : "hearth",
                    m.randomWeights(), m.architecture(), m.contextLength()));
        }
        return new Responses.ModelList("list", data);
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response chat(ChatCompletionRequest body) {
        String model = requireModel(body);
        if (body.messages == null || body.messages.isEmpty()) throw new IllegalArgumentException("messages must be a non-empty array");
        List<ChatMessage> messages = new ArrayList<>();
        for (ChatCompletionRequest.Message m : body.messages) {
            if (m == null) throw new IllegalArgumentException("messages must not contain null");
            messages.add(new ChatMessage(m.role, m.content));
        }
        ModelRequest request = ModelRequest.chat(messages, SamplingMapper.from(body));
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (Boolean.TRUE.equals(body.stream)) {
            return stream(model, (out) -> {
                sendEvent(out, new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
                        List.of(new Responses.ChunkChoice(0, new Responses.Delta("assistant", ""), null))));
                GenerationResult result = holder.pool().generate(model, request, (token, text) -> {
                    if (!text.isEmpty()) {
                        sendEvent(out, new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
                                List.of(new Responses.ChunkChoice(0, new Responses.Delta(null, text), null))));
                    }
                });
                sendEvent(out, new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
                        List.of(new Responses.ChunkChoice(0, new Responses.Delta(null, null), result.finishReason().apiName()))));
            });
        }
        GenerationResult result = holder.pool().generate(model, request, (token, text) -> { });
        return Response.ok(new Responses.ChatCompletion(id, "chat.completion", created, model,
                List.of(new Responses.ChatChoice(0, new Responses.Message("assistant", result.text()), result.finishReason().apiName())),
                usage(result)), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response complete(ChatCompletionRequest body) {
        String model = requireModel(body);
        if (body.prompt == null) throw new IllegalArgumentException("prompt must be a string");
        ModelRequest request = ModelRequest.text(body.prompt, SamplingMapper.from(body));
        String id = "cmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (Boolean.TRUE.equals(body.stream)) {
            return stream(model, (out) -> {
                GenerationResult result = holder.pool().generate(model, request, (token, text) -> {
                    if (!text.isEmpty()) sendEvent(out, new Responses.TextCompletion(id, "text_completion", created, model,
                            List.of(new Responses.TextChoice(0, text, null)), null));
                });
                sendEvent(out, new Responses.TextCompletion(id, "text_completion", created, model,
                        List.of(new Responses.TextChoice(0, "", result.finishReason().apiName())), usage(result)));
            });
        }
        GenerationResult result = holder.pool().generate(model, request, (token, text) -> { });
        return Response.ok(new Responses.TextCompletion(id, "text_completion", created, model,
                List.of(new Responses.TextChoice(0, result.text(), result.finishReason().apiName())), usage(result)),
                MediaType.APPLICATION_JSON).build();
    }

    private static String requireModel(ChatCompletionRequest body) {
        if (body == null) throw new IllegalArgumentException("the request needs a JSON body");
        if (body.model == null || body.model.isBlank()) throw new IllegalArgumentException("model is required (GET /v1/models lists them)");
        return body.model;
    }

    private static Responses.Usage usage(GenerationResult r) {
        return new Responses.Usage(r.promptTokens(), r.tokens().length, r.promptTokens() + r.tokens().length);
    }

    /** A body that writes events as they come; a client that hangs up ends the generation and frees its KV blocks. */
    private interface EventWriter {
        void write(OutputStream out);
    }

    private Response stream(String model, EventWriter writer) {
        // Past this point the status line is sent: an unknown model must be refused before, later failures become
        // an error event in the stream.
        if (holder.pool().models().stream().noneMatch(m -> m.id().equals(model))) {
            throw new ModelUnavailableException("model '" + model + "' is not served here (GET /v1/models lists them)");
        }
        StreamingOutput output = out -> {
            try {
                try {
                    writer.write(out);
                } catch (IllegalArgumentException | ModelUnavailableException | KvCacheFullException e) {
                    sendEvent(out, ApiError.of(e.getMessage(), "invalid_request_error"));
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
        return Response.ok(output, MediaType.SERVER_SENT_EVENTS).header("Cache-Control", "no-cache").build();
    }

    private static void sendEvent(OutputStream out, Object event) {
        try {
            out.write(("data: " + JSON.toJson(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
