package io.hearth.runtime.openai;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.runtime.pool.PoolHolder;
import io.hearth.runtime.sse.EventStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
            return stream(model, events -> {
                events.send(new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
                        List.of(new Responses.ChunkChoice(0, new Responses.Delta("assistant", ""), null))));
                GenerationResult result = holder.pool().generate(model, request, (token, text) -> {
                    if (!text.isEmpty()) {
                        events.send(new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
                                List.of(new Responses.ChunkChoice(0, new Responses.Delta(null, text), null))));
                    }
                });
                events.send(new Responses.ChatChunk(id, "chat.completion.chunk", created, model,
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
            return stream(model, events -> {
                GenerationResult result = holder.pool().generate(model, request, (token, text) -> {
                    if (!text.isEmpty()) events.send(new Responses.TextCompletion(id, "text_completion", created, model,
                            List.of(new Responses.TextChoice(0, text, null)), null));
                });
                events.send(new Responses.TextCompletion(id, "text_completion", created, model,
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

    /** Streams events after checking the model: past this point the status line is sent. */
    private Response stream(String model, EventStream.Producer producer) {
        if (holder.pool().models().stream().noneMatch(m -> m.id().equals(model))) {
            throw new ModelUnavailableException("model '" + model + "' is not served here (GET /v1/models lists them)");
        }
        return EventStream.of(producer);
    }
}
