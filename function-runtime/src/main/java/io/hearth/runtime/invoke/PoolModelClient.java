package io.hearth.runtime.invoke;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tokenizer.Tokenizer;
import io.hearth.engine.tools.ToolCallFormat;
import io.hearth.engine.tools.ToolUse;
import io.hearth.function.ModelClient;
import io.hearth.host.TypedAnswers;
import io.hearth.pool.ColdStart;
import io.hearth.pool.Completion;
import io.hearth.pool.Embedding;
import io.hearth.pool.DeadlineExceededException;
import io.hearth.pool.LoadProgress;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.PrefixReuse;
import io.hearth.pool.TenantScope;
import io.hearth.runtime.deploy.FixedPromptStart;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.keys.TokenBudget;
import io.hearth.runtime.resilience.ModelCalls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model client a function gets: its manifest's model and defaults, its input limit, its keep-alive hint and its
 * deadline, all through the guarded call path.
 */
final class PoolModelClient implements ModelClient {
    private final ModelCalls calls;
    private final FunctionManifest manifest;
    private final Instant deadline;
    private final TokenListener listener;
    private final LoadProgress progress;
    /** The first cold start one of the invocation's model calls waited for; null when every call found a warm replica. */
    private volatile ColdStart coldStart;
    /** Prompt blocks of all its calls: found cached locally, imported from the cluster, computed. */
    private final AtomicReference<PrefixReuse> prefix = new AtomicReference<>(PrefixReuse.NONE);
    /** Tokens over all model calls of the invocation, for its usage. */
    private final AtomicInteger promptTokens = new AtomicInteger(), completionTokens = new AtomicInteger();
    /** The model that served the last call; the manifest's until one did. */
    private volatile String servedBy;
    /** Time the invocation's model calls waited for a replica. */
    private final AtomicLong queuedNanos = new AtomicLong();

    private final Duration keepAlive;
    /** The caller's tenant, whose blocks beyond the function's fixed prompt start are its own (null: anonymous). */
    private final TenantScope tenant;
    /** The caller's token quota: each call reserves its most before it runs and settles what it used. */
    private final TokenBudget budget;

    PoolModelClient(ModelCalls calls, FunctionManifest manifest, Instant deadline, InvocationOptions options, TokenListener listener) {
        this.calls = calls;
        this.keepAlive = options.keepAlive() != null ? options.keepAlive() : manifest.keepAlive();
        this.tenant = options.tenant() == null ? null : new TenantScope(options.tenant(), FixedPromptStart.messagesOf(manifest));
        this.manifest = manifest;
        this.deadline = deadline;
        this.listener = listener;
        this.progress = options.progress();
        this.budget = options.budget();
    }

    @Override
    public ModelResult chat(List<Message> messages, ModelOptions options) {
        List<ChatMessage> chat = messages.stream().map(m -> new ChatMessage(m.role(), m.content(),
                m.toolCalls().stream().map(c -> new io.hearth.engine.tools.ToolCall(c.id(), c.name(), c.arguments())).toList(), m.toolCallId())).toList();
        ToolUse tools = ModelCallShapes.tools(options);
        return generate(ModelRequest.chat(chat, sampling(options, tools != null)).withTools(tools));
    }

    @Override
    public <T> T chat(List<Message> messages, Class<T> type, ModelOptions options) {
        return TypedAnswers.read(chat(messages, TypedAnswers.forType(options, type)), type);
    }

    @Override
    public ModelResult complete(String prompt, ModelOptions options) {
        // the function may have built its prompt from a caller's input: control tokens in it are text
        if (ModelCallShapes.tools(options) != null) throw new IllegalArgumentException("tools need chat messages: call chat, not complete");
        return generate(ModelRequest.text(Tokenizer.untrusted(prompt), sampling(options, false)));
    }

    @Override
    public float[] embed(String text) {
        if (Instant.now().isAfter(deadline)) throw timedOut();
        // the function may embed a caller's input: control-token syntax in it stays text
        ModelRequest shaped = shaped(ModelRequest.embedding(text));
        Embedding embedding;
        try {
            embedding = budget.charged(shaped, counting -> calls.embed(manifest.model(), shaped), TokenListener.NONE, Embedding::promptTokens);
        } catch (DeadlineExceededException e) {
            throw timedOut();
        }
        servedBy = embedding.model();
        queuedNanos.addAndGet(embedding.queuedNanos());
        if (coldStart == null) coldStart = embedding.coldStart();
        prefix.accumulateAndGet(embedding.prefix(), PrefixReuse::plus);
        promptTokens.addAndGet(embedding.promptTokens());
        return embedding.vector();
    }

    /** The function's model call settings on a request: its input limit, deadline, keep-alive hint, caller and cache scope. */
    private ModelRequest shaped(ModelRequest request) {
        return request.withMaxPromptTokens(manifest.maxInputTokens()).withDeadline(deadline)
                .withKeepAlive(keepAlive).withCaller(manifest.name()).withCacheSalt(manifest.cacheSalt()).withTenant(tenant);
    }

    /** One model call of the invocation, as a function sees its result: text, or the tools it called. */
    ModelResult generate(ModelRequest request) {
        Completion completion = call(request);
        GenerationResult r = completion.generation();
        ToolCallFormat.Answer answer = completion.toolAnswer();
        if (answer == null || answer.calls().isEmpty()) return new ModelResult(r.text(), r.finishReason().apiName(), r.promptTokens(), r.tokens().length);
        return new ModelResult(answer.content(), "tool_calls", r.promptTokens(), r.tokens().length,
                answer.calls().stream().map(c -> new ModelClient.ToolCall(c.id(), c.name(), c.arguments())).toList());
    }

    /** One model call of the invocation, with the function's model, input limit, deadline, caller and cache scope. */
    Completion call(ModelRequest request) {
        if (Instant.now().isAfter(deadline)) throw timedOut();
        ModelRequest shaped = shaped(request);
        Completion completion;
        try {
            completion = budget.charged(shaped, counting -> calls.generate(manifest.model(), shaped, counting, progress), listener,
                    c -> c.generation().promptTokens() + c.generation().tokens().length);
        } catch (DeadlineExceededException e) {
            throw timedOut();
        }
        GenerationResult r = completion.generation();
        servedBy = completion.model();
        queuedNanos.addAndGet(completion.queuedNanos());
        if (coldStart == null) coldStart = completion.coldStart();
        prefix.accumulateAndGet(completion.prefix(), PrefixReuse::plus);
        promptTokens.addAndGet(r.promptTokens());
        completionTokens.addAndGet(r.tokens().length);
        return completion;
    }

    String servedBy() {
        return servedBy != null ? servedBy : manifest.model();
    }

    int promptTokens() {
        return promptTokens.get();
    }

    int completionTokens() {
        return completionTokens.get();
    }

    long queuedNanos() {
        return queuedNanos.get();
    }

    PrefixReuse prefix() {
        return prefix.get();
    }

    ColdStart coldStart() {
        return coldStart;
    }

    /** Past the deadline the model call is cancelled (the pool frees its KV blocks) and the invocation times out. */
    private FunctionTimeoutException timedOut() {
        return new FunctionTimeoutException(manifest.id() + " ran past its timeout of " + manifest.timeoutMillis() + " ms");
    }

    /**
     * The call's sampling: the function's defaults where the options leave them, its JSON Schema's grammar when it
     * has one and no tools (with tools, the schema goes into the tool grammar as the answer's alternative).
     */
    private SamplingParams sampling(ModelOptions options, boolean tools) {
        ModelOptions o = options != null ? options : ModelOptions.defaults();
        return new SamplingParams(o.temperature() != null ? o.temperature() : manifest.temperature(), 0, 1f, 0f, 1f, 64,
                System.nanoTime(), o.maxTokens() != null ? o.maxTokens() : manifest.maxTokens(), o.stop(),
                tools ? null : ModelCallShapes.grammar(o.jsonSchema()));
    }
}
