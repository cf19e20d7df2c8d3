package io.hearth.runtime.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.ToolUse;
import io.hearth.pool.Completion;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelInfo;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.pool.TenantScope;
import io.hearth.runtime.config.Durations;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.errors.InvalidParamException;
import io.hearth.runtime.deploy.FunctionNotFoundException;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.functions.RuntimeMetrics;
import io.hearth.runtime.invoke.InvocationResult;
import io.hearth.runtime.invoke.InvocationService;
import io.hearth.runtime.keys.ApiKey;
import io.hearth.runtime.keys.ApiKeyFilter;
import io.hearth.runtime.keys.Callers;
import io.hearth.runtime.keys.KeyProtected;
import io.hearth.runtime.keys.TokenBudget;
import io.hearth.runtime.resilience.GuardedModelCalls;
import io.hearth.runtime.sse.EventStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenAI-compatible API, so existing clients work unchanged: list models, chat completions and text completions,
 * embeddings; completions as JSON or, with {@code "stream": true}, as server-sent events ending in {@code data: [DONE]}. The resource only
 * translates HTTP; the pool runs the model.
 */
@Path("/v1")
@ApplicationScoped
@KeyProtected
public class OpenAiResource {
    @Inject
    ModelPool pool;
    @Inject
    FunctionRegistry registry;
    @Inject
    GuardedModelCalls calls;
    @Inject
    Callers callers;
    @Inject
    RuntimeMetrics metrics;
    @Inject
    InvocationService invocations;
    @Inject
    io.hearth.runtime.audit.AuditedInvocation audited;
    @Inject
    EmbeddingCalls embeddingCalls;
    /**
     * Prompt text one request may have scored (echo with logprobs): each token costs a pass over the vocabulary in the
     * replica's step loop, shared with every other sequence there, so a request is held to a few thousand tokens.
     */
    static final int MAX_SCORED_PROMPT_CHARACTERS = 8192;

    /**
     * What a request's {@code model} names: a served model, or a deployed prompt function ({@code name} or
     * {@code name@version}, null for a model), which then runs as at {@code /fn}: its guards, limits, system prompt,
     * model and defaults.
     */
    private record Target(String model, FunctionRegistry.Deployed deployed) {
        FunctionManifest function() {
            return deployed == null ? null : deployed.manifest();
        }

        /**
         * A model call of the API itself: the caller's keep-alive hint, its key as the caller the replica's queue takes in
         * turn with the others (so one key's batch cannot hold the queue for every key), the caller's tenant.
         */
        ModelRequest shaped(ModelRequest request, Duration keepAlive, ApiKey key) {
            return request.withKeepAlive(keepAlive).withCaller(key == null ? "openai-api" : "openai-api:" + key.id())
                    .withTenant(key == null ? null : new TenantScope(key.tenant(), List.of()));
        }
    }

    /** What the body's model names, if the caller's key may call it (a model itself needs a key for every function). */
    private Target target(ChatCompletionRequest body, ApiKey key) {
        return target(requireModel(body, body == null ? null : body.model), key);
    }

    private Target target(String name, ApiKey key) {
        if (key != null && !(key.mayCallEverything() || key.mayCall(FunctionRegistry.nameOf(name)) && !pool.serves(name))) {
            throw callers.refused(ApiKeyFilter.forbidden(key, name));
        }
        // a configured model that failed (its settings, its file) is still a model: its calls get 503 with the reason
        if (pool.serves(name) || pool.failures().containsKey(name)) return new Target(name, null);
        FunctionRegistry.Deployed deployed;
        try {
            deployed = invocations.resolve(name, RuntimeMetrics.OPENAI);
        } catch (FunctionNotFoundException e) {
            throw new ModelUnavailableException("model '" + name + "' is neither a model served here nor a deployed function (GET /v1/models lists them)");
        }
        if (deployed.manifest().kind() != FunctionManifest.Kind.PROMPT) {
            throw new IllegalArgumentException(name + " is a java function: call it at POST /fn/" + name);
        }
        return new Target(deployed.manifest().model(), deployed);
    }

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public Responses.ModelList models(@Context SecurityContext security) {
        ApiKey key = callers.caller(security);
        List<Responses.Model> data = new ArrayList<>();
        for (ModelInfo m : pool.models()) {
            if (key != null && !key.mayCallEverything()) continue;
            data.add(new Responses.Model(m.id(), "model", 0, m.randomWeights() ? "hearth (random weights)" : "hearth",
                    m.randomWeights(), m.architecture(), m.contextLength()));
        }
        for (String name : registry.names()) {
            FunctionManifest f = registry.active(name).manifest();
            if (f.kind() == FunctionManifest.Kind.PROMPT && (key == null || key.mayCall(name))) {
                data.add(new Responses.Model(f.name(), "model", 0, "hearth function on " + f.model(), false, "function", 0));
            }
        }
        return new Responses.ModelList("list", data);
    }

    /** One model (or prompt function) by id, as the list has it; 404 when there is none the caller may call. */
    @GET
    @Path("/models/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Responses.Model model(@Context SecurityContext security, @jakarta.ws.rs.PathParam("id") String id) {
        return models(security).data().stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new ModelUnavailableException("model '" + id + "' is neither a model served here nor a deployed function you may call (GET /v1/models lists them)"));
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response chat(@Context SecurityContext security, ChatCompletionRequest body) {
        ApiKey key = callers.caller(security);
        Target target = target(body, key);
        String model = body.model;
        ChatCall call = RequestFields.checked(() -> ChatCall.of(body, target.function()));
        audited.endUser(body.user);
        List<ChatMessage> messages = call.messages();
        ToolUse tools = call.tools();
        SamplingParams sampling = call.sampling();
        Duration keepAlive = call.keepAlive();
        boolean stream = Boolean.TRUE.equals(body.stream);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (target.deployed() != null && body.n != null && body.n > 1) {
            throw new InvalidParamException("n", "n: a function answers one choice per call");
        }
        if (target.deployed() != null && sampling.logprobs() >= 0) {
            throw new InvalidParamException("logprobs", "logprobs: log-probabilities are returned for models, not yet for functions");
        }
        if (target.deployed() != null) return converse(target, messages, sampling, tools, keepAlive, key, id, created, stream, includeUsage(body));
        ModelRequest request = target.shaped(ModelRequest.chat(messages, sampling).withTools(tools), keepAlive, key);
        List<ModelRequest> choices = choices(request, body.n == null ? 1 : body.n);
        if (stream) {
            TokenBudget.Reservations holds = admitStream(key, target, choices);
            return EventStream.of(events -> {
                try (holds) { // closing releases choices cancelled before they ran; the others settled already
                    for (int i = 0; i < choices.size(); i++) events.send(chunk(id, created, model, i, new Responses.Delta("assistant", ""), null));
                    // with tools, text may turn into a call at any point: the answer goes out once it is known
                    List<Completion> done = ForkedChoices.run(choices.size(), (index, listener) -> {
                        Completion c = generate(holds.get(index), target, choices.get(index), listener, index == 0);
                        Answer answer = Answer.of(c);
                        if (tools != null) sendWhole(events, id, created, model, index, answer);
                        // with tools the answer went out whole: its tokens' log-probabilities go with its end
                        events.send(Responses.ChatChunk.of(id, created, model, new Responses.ChunkChoice(index, new Responses.Delta(null, null),
                                answer.finishReason(), tools != null ? Responses.ChatLogprobs.of(c.generation().logprobs()) : null)));
                        return c;
                    }, index -> tools != null ? TokenListener.NONE : StreamedPieces.chat(events, id, created, model, index));
                    if (includeUsage(body)) events.send(usageChunk(id, created, model, usageOfChoices(done)));
                }
            });
        }
        TokenBudget.Reservations holds = callers.budget(key).reserveAll(choices);
        List<Completion> done;
        try (holds) {
            done = ForkedChoices.run(choices.size(), (index, listener) -> generate(holds.get(index), target, choices.get(index), listener, index == 0),
                    index -> TokenListener.NONE);
        }
        List<Responses.ChatChoice> answers = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            Answer answer = Answer.of(done.get(i));
            answers.add(new Responses.ChatChoice(i, answer.message(), answer.finishReason(), Responses.ChatLogprobs.of(done.get(i).generation().logprobs())));
        }
        return Response.ok(new Responses.ChatCompletion(id, "chat.completion", created, model, answers, usageOfChoices(done)), MediaType.APPLICATION_JSON).build();
    }

    /**
     * The {@code n} choices of a request, each sampled on its own (the seed plus its index, so a seeded request answers
     * the same every time); {@link ForkedChoices} runs them so the prompt is computed once.
     */
    private static List<ModelRequest> choices(ModelRequest request, int n) {
        List<ModelRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(request.withSampling(request.sampling().withSeed(request.sampling().seed() + i)));
        }
        return out;
    }

    /** Usage over one prompt's choices: the prompt counted once (it is the same prompt), the answers all. */
    private static Responses.Usage usageOfChoices(List<Completion> choices) {
        GenerationResult first = choices.getFirst().generation();
        int completion = choices.stream().mapToInt(c -> c.generation().tokens().length).sum();
        return usage(first.promptTokens(), completion, first.cachedTokens());
    }

    /** What a chat request asks for, read and checked before anything runs. */
    private record ChatCall(List<ChatMessage> messages, ToolUse tools, SamplingParams sampling, Duration keepAlive) {
        static ChatCall of(ChatCompletionRequest body, FunctionManifest function) {
            StructuredOutputs.refuseUnsupported(body);
            if (body.stream_options != null && !Boolean.TRUE.equals(body.stream)) throw new IllegalArgumentException("stream_options is only for stream: true");
            if (body.messages == null || body.messages.isEmpty()) throw new IllegalArgumentException("messages must be a non-empty array");
            if (Boolean.TRUE.equals(body.echo)) throw new IllegalArgumentException("echo is for /v1/completions: a chat answer does not repeat its messages");
            List<ChatMessage> messages = new ArrayList<>();
            for (int i = 0; i < body.messages.size(); i++) messages.add(StructuredOutputs.message(body.messages.get(i), i));
            // a function's output schema is the default response format of its calls
            JsonNode answerSchema = StructuredOutputs.responseSchema(body.response_format);
            if (answerSchema == null && body.response_format == null && function != null) answerSchema = function.outputSchema();
            ToolUse tools = StructuredOutputs.tools(body, answerSchema);
            // compiled now (and cached) even beside tools, so a schema outside the subset is refused before any queueing
            var answerGrammar = StructuredOutputs.grammar(answerSchema);
            SamplingParams sampling = SamplingMapper.forChat(body, function);
            if (tools == null) sampling = sampling.withGrammar(answerGrammar);
            return new ChatCall(messages, tools, sampling, OpenAiResource.keepAlive(body.keep_alive));
        }
    }

    /** A whole answer as stream chunks: its text, then each tool call (all of it in one piece, with its index). */
    private static void sendWhole(EventStream events, String id, long created, String model, Answer answer) {
        sendWhole(events, id, created, model, 0, answer);
    }

    private static void sendWhole(EventStream events, String id, long created, String model, int index, Answer answer) {
        if (answer.content() != null && !answer.content().isEmpty()) events.send(chunk(id, created, model, index, new Responses.Delta(null, answer.content()), null));
        List<Responses.ToolCall> calls = answer.message().tool_calls();
        for (int i = 0; calls != null && i < calls.size(); i++) {
            Responses.ToolCall call = calls.get(i);
            events.send(chunk(id, created, model, index, new Responses.Delta(null, null,
                    List.of(new Responses.ToolCallDelta(i, call.id(), call.type(), call.function()))), null));
        }
    }

    /**
     * A prompt function named as the model: it runs on the one path of invocations ({@link InvocationService#converse}),
     * its guards, limits and metrics as at {@code /fn}. When the function redacts, or tools may turn its text into a
     * call, its answer is known only whole: a stream then carries it in one piece at the end.
     */
    private Response converse(Target target, List<ChatMessage> messages, SamplingParams sampling, ToolUse tools, Duration keepAlive, ApiKey key,
                              String id, long created, boolean stream, boolean includeUsage) {
        String model = target.function().name();
        if (stream) {
            calls.checkAdmission(target.model());
            return EventStream.of(events -> {
                events.send(chunk(id, created, model, new Responses.Delta("assistant", ""), null));
                AtomicBoolean streamed = new AtomicBoolean();
                InvocationResult result = invocations.converse(key, target.deployed(), messages, sampling, tools, new InvocationService.Delivery(
                        tools != null ? (token, text) -> { } : (token, text) -> {
                            if (text.isEmpty()) return;
                            streamed.set(true);
                            events.send(chunk(id, created, model, new Responses.Delta(null, text), null));
                        }, LoadProgress.NONE, keepAlive));
                Answer answer = Answer.of(result);
                if (!streamed.get()) sendWhole(events, id, created, model, answer);
                events.send(chunk(id, created, model, new Responses.Delta(null, null), answer.finishReason()));
                if (includeUsage) events.send(usageChunk(id, created, model, usage(result.promptTokens(), result.completionTokens(), result.prefix().savedTokens())));
            });
        }
        InvocationResult result = invocations.converse(key, target.deployed(), messages, sampling, tools, InvocationService.Delivery.whole(keepAlive));
        Answer answer = Answer.of(result);
        return Response.ok(new Responses.ChatCompletion(id, "chat.completion", created, model,
                List.of(new Responses.ChatChoice(0, answer.message(), answer.finishReason())),
                usage(result.promptTokens(), result.completionTokens(), result.prefix().savedTokens())), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response complete(@Context SecurityContext security, ChatCompletionRequest body) {
        ApiKey key = callers.caller(security);
        Target target = target(body, key);
        if (target.function() != null) {
            // a raw prompt would run the function's model without its system prompt and template: models only
            throw new IllegalArgumentException(body.model + " is a function, which takes chat messages: call it at POST /v1/chat/completions "
                    + "or POST /fn/" + target.function().name() + " (/v1/completions runs models, for keys that may call them)");
        }
        String model = body.model;
        RequestFields.checked(() -> {
            StructuredOutputs.refuseUnsupported(body);
            return body;
        });
        audited.endUser(body.user);
        SamplingParams sampling = RequestFields.checked(() -> SamplingMapper.forCompletions(body));
        Duration keepAlive = RequestFields.checked(() -> keepAlive(body.keep_alive));
        List<ModelRequest> requests = RequestFields.checked(() -> PromptInputs.requests(body.prompt, sampling)).stream()
                .map(r -> target.shaped(r, keepAlive, key)).toList();
        if (body.n != null && body.n > 1) {
            throw new InvalidParamException("n", "n: /v1/completions answers one choice per prompt here; send the prompt several times in "
                    + "an array, or use /v1/chat/completions, which samples n choices");
        }
        boolean echo = Boolean.TRUE.equals(body.echo);
        if (echo && requests.stream().anyMatch(r -> r.prompt() == null)) {
            throw new InvalidParamException("echo", "echo: repeats a prompt given as text; this one is token ids");
        }
        if (echo && sampling.logprobs() >= 0) {
            long scored = requests.stream().mapToLong(r -> r.prompt().length()).sum();
            if (scored > MAX_SCORED_PROMPT_CHARACTERS) {
                throw new InvalidParamException("echo", "echo with logprobs scores every prompt token against the whole vocabulary: at most "
                        + MAX_SCORED_PROMPT_CHARACTERS + " characters of prompt per request, got " + scored);
            }
        }
        if (echo && sampling.logprobs() >= 0 && Boolean.TRUE.equals(body.stream)) {
            throw new InvalidParamException("echo", "echo with logprobs is for whole answers: the prompt's log-probabilities are known only after it ran (send stream: false)");
        }
        String id = "cmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (Boolean.TRUE.equals(body.stream)) {
            // the batch's prompts run one after another, each choice's pieces carrying its index; the quota holds
            // for all of them before anything is sent
            TokenBudget.Reservations holds = admitStream(key, target, requests);
            return EventStream.of(events -> {
                try (holds) { // closing releases the prompts a failure kept from running
                    List<GenerationResult> results = new ArrayList<>();
                    for (int i = 0; i < requests.size(); i++) {
                        if (echo) events.send(new Responses.TextCompletion(id, "text_completion", created, model,
                                List.of(new Responses.TextChoice(i, requests.get(i).prompt(), null)), null));
                        GenerationResult result = generate(holds.get(i), target, requests.get(i), StreamedPieces.text(events, id, created, model, i)).generation();
                        results.add(result);
                        events.send(new Responses.TextCompletion(id, "text_completion", created, model,
                                List.of(new Responses.TextChoice(i, "", result.finishReason().apiName())), i == requests.size() - 1 ? usageOfBatch(results) : null));
                    }
                }
            });
        }
        TokenBudget.Reservations holds = callers.budget(key).reserveAll(requests);
        List<GenerationResult> results = new ArrayList<>();
        List<Responses.TextChoice> choices = new ArrayList<>();
        try (holds) {
            for (int i = 0; i < requests.size(); i++) {
                GenerationResult result = generate(holds.get(i), target, requests.get(i), TokenListener.NONE).generation();
                results.add(result);
                List<io.hearth.engine.sample.TokenLogprob> logprobs = new ArrayList<>(result.promptLogprobs());
                logprobs.addAll(result.logprobs());
                choices.add(new Responses.TextChoice(i, (echo ? requests.get(i).prompt() : "") + result.text(), result.finishReason().apiName(),
                        Responses.TextLogprobs.of(logprobs, 0)));
            }
        }
        return Response.ok(new Responses.TextCompletion(id, "text_completion", created, model, choices, usageOfBatch(results)),
                MediaType.APPLICATION_JSON).build();
    }

    /**
     * Embeddings of one input or a batch, on a served model (a function has no vectors of its own): each input a
     * prefill-only sequence in the model's step loop, pooled as the model's settings say, L2-normalized.
     */
    @POST
    @Path("/embeddings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Responses.EmbeddingList embeddings(@Context SecurityContext security, EmbeddingRequest body) {
        ApiKey key = callers.caller(security);
        Target target = target(requireModel(body, body == null ? null : body.model), key);
        if (target.function() != null) {
            throw new InvalidParamException("model", body.model + " is a function; embeddings are computed by models (GET /v1/models lists them)");
        }
        boolean base64 = RequestFields.checked(() -> switch (body.encoding_format == null ? "float" : body.encoding_format) {
            case "float" -> false;
            case "base64" -> true;
            default -> throw new IllegalArgumentException("encoding_format must be \"float\" or \"base64\", not \"" + body.encoding_format + "\"");
        });
        if (body.dimensions != null) checkDimensions(body.dimensions, embeddingWidth(target.model()));
        audited.endUser(body.user);
        List<ModelRequest> inputs = RequestFields.checked(() -> PromptInputs.embeddings(body.input)).stream()
                .map(r -> target.shaped(r, null, key)).toList();
        List<io.hearth.pool.Embedding> vectors = embeddingCalls.embedAll(target.model(), inputs, callers.budget(key));
        if (body.dimensions != null) checkDimensions(body.dimensions, vectors.getFirst().vector().length);
        List<Responses.EmbeddingData> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i).vector();
            data.add(new Responses.EmbeddingData("embedding", i, base64 ? EmbeddingEncoding.base64(v) : v));
        }
        int tokens = vectors.stream().mapToInt(io.hearth.pool.Embedding::promptTokens).sum();
        return new Responses.EmbeddingList("list", data, target.model(), new Responses.EmbeddingUsage(tokens, tokens));
    }

    /** The width of {@code model}'s vectors where the pool knows it before a load (0: not yet, a model still to download). */
    private int embeddingWidth(String model) {
        return pool.models().stream().filter(m -> m.id().equals(model)).mapToInt(ModelInfo::embeddingLength).findFirst().orElse(0);
    }

    /** {@code dimensions} is accepted as the model's own width only: shortening a vector is not something its model was trained for. */
    private static void checkDimensions(int requested, int width) {
        if (width > 0 && requested != width) {
            throw new InvalidParamException("dimensions", "dimensions: this model's embeddings have " + width
                    + " dimensions and Hearth does not shorten them; leave dimensions out or send " + width);
        }
    }

    /**
     * What a stream can be refused for before it starts, checked before it sends anything, so the refusal keeps its
     * real status: the model's breaker open (503), its queue full or the caller's token quota spent (429). Returns the
     * quota's reservations for the calls.
     */
    private TokenBudget.Reservations admitStream(ApiKey key, Target target, List<ModelRequest> requests) {
        calls.checkAdmission(target.model());
        return callers.budget(key).reserveAll(requests);
    }

    /**
     * Runs a model call on the guarded path, charged against its quota reservation ({@link TokenBudget#charged}) and
     * counted in the invocation metrics under the model's name.
     */
    private Completion generate(TokenBudget.Hold hold, Target target, ModelRequest request, TokenListener listener) {
        return generate(hold, target, request, listener, true);
    }

    /**
     * As above; a further choice of the same prompt ({@code firstOfPrompt} false) is charged and counted for its answer
     * only, as its usage reports it: the prompt is the first choice's.
     */
    private Completion generate(TokenBudget.Hold hold, Target target, ModelRequest request, TokenListener listener, boolean firstOfPrompt) {
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong();
        TokenListener timed = listener.peeking(() -> first.compareAndSet(0, System.nanoTime()));
        try {
            Completion completion = TokenBudget.charged(hold, request, counting -> calls.generate(target.model(), request, counting,
                    LoadProgress.NONE), timed, c -> (firstOfPrompt ? c.generation().promptTokens() : 0) + c.generation().tokens().length);
            if (firstOfPrompt) {
                metrics.modelCalled(target.model(), completion.generation(), (System.nanoTime() - start) / 1e6, first.get() == 0 ? -1 : (first.get() - start) / 1e6);
            } else {
                metrics.choiceGenerated(target.model(), completion.generation());
            }
            return completion;
        } catch (RuntimeException e) {
            metrics.failed("model:" + target.model(), RuntimeMetrics.OPENAI, io.hearth.runtime.errors.ErrorMapper.classify(e).status());
            throw e;
        }
    }

    /** {@code keep_alive}: {@code "10m"}, or seconds; a negative number asks for as long as ops allow. */
    private static Duration keepAlive(Object value) {
        return switch (value) {
            case null -> null;
            case Number n when n.doubleValue() < 0 -> ChronoUnit.FOREVER.getDuration();
            case Number n -> Duration.ofMillis((long) (n.doubleValue() * 1000));
            case String text -> Durations.parse(text);
            default -> throw new IllegalArgumentException("keep_alive must be a duration such as \"10m\" or a number of seconds");
        };
    }

    private static String requireModel(Object body, String model) {
        if (body == null) throw new IllegalArgumentException("the request needs a JSON body");
        if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required (GET /v1/models lists them)");
        return model;
    }

    /** Whether a stream asked for its usage at the end ({@code stream_options.include_usage}). */
    private static boolean includeUsage(ChatCompletionRequest body) {
        return body.stream_options != null && Boolean.TRUE.equals(body.stream_options.include_usage);
    }

    /** The chunk OpenAI ends such a stream with: no choices, the usage. */
    private static Responses.ChatChunk usageChunk(String id, long created, String model, Responses.Usage usage) {
        return new Responses.ChatChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }

    private static Responses.ChatChunk chunk(String id, long created, String model, Responses.Delta delta, String finishReason) {
        return chunk(id, created, model, 0, delta, finishReason);
    }

    private static Responses.ChatChunk chunk(String id, long created, String model, int index, Responses.Delta delta, String finishReason) {
        return Responses.ChatChunk.of(id, created, model, new Responses.ChunkChoice(index, delta, finishReason));
    }

    /** Usage over a batch of prompts: each its own prompt and answer. */
    private static Responses.Usage usageOfBatch(List<GenerationResult> results) {
        return usage(results.stream().mapToInt(GenerationResult::promptTokens).sum(), results.stream().mapToInt(r -> r.tokens().length).sum(),
                results.stream().mapToInt(GenerationResult::cachedTokens).sum());
    }

    private static Responses.Usage usage(int prompt, int completion, int cached) {
        return new Responses.Usage(prompt, completion, prompt + completion, new Responses.PromptTokensDetails(cached));
    }
}
