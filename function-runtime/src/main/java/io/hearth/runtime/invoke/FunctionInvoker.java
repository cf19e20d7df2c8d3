package io.hearth.runtime.invoke;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.ToolCall;
import io.hearth.engine.tools.ToolCallFormat;
import io.hearth.engine.tools.ToolDefinition;
import io.hearth.engine.tools.ToolUse;
import io.hearth.function.ModelClient;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelPool;
import io.hearth.pool.ModelRequest;
import io.hearth.runtime.deploy.ArchiveInvalidException;
import io.hearth.runtime.deploy.FunctionManifest;
import io.hearth.runtime.deploy.FunctionRegistry;
import io.hearth.runtime.resilience.ModelCalls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Runs deployed functions. A prompt function renders its template over the input and calls its model; a java
 * function runs in a process of its own ({@link FunctionProcess}: its own heap limit, killed past its timeout), so one
 * that throws, loops or allocates without bound fails alone. Each version admits at most {@code limits.concurrency}
 * invocations at once; more are refused (429).
 */
public final class FunctionInvoker implements AutoCloseable {
    /** The first of the user ids isolated function processes run as (one each, up to a thousand at once). */
    public static final int DEFAULT_UID_BASE = 1_500_000;

    /**
     * A deployed version ready to run: its admission limit, its guards and its archive, whose own code (a java
     * handler, an input guard) runs in a process started on first use and again after it ended.
     */
    private static final class Loaded {
        final FunctionManifest manifest;
        final Semaphore permits;
        final Path archive;
        final Guards guards;
        private FunctionProcess process;
        private boolean closed;

        private final FunctionProcess.Exits exits;

        private final FunctionSandbox sandbox;

        Loaded(FunctionManifest manifest, Path archive, FunctionProcess.Exits exits, FunctionSandbox sandbox) {
            this.manifest = manifest;
            this.exits = exits;
            this.sandbox = sandbox;
            this.permits = new Semaphore(manifest.concurrency());
            this.archive = archive;
            this.guards = new Guards(manifest.id(), manifest.guards(), manifest.guards().filter() == null ? null : input -> process().screen(input));
        }

        /** Whether any of the function's own code runs (and so needs a process). */
        boolean hasCode() {
            return manifest.kind() == FunctionManifest.Kind.JAVA || manifest.guards().filter() != null;
        }

        synchronized FunctionProcess process() {
            if (process == null || !process.alive()) process = FunctionProcess.start(manifest, archive, exits, sandbox);
            return process;
        }

        /** Let go (its version is no longer deployed): its process ends once the calls in it are over. */
        synchronized void close() {
            closed = true;
            if (process != null) process.retire();
        }

        /** Whether it was let go while a call still held it: a process that call started must end with it too. */
        synchronized boolean closed() {
            return closed;
        }
    }

    private final ModelPool pool;
    private final ModelCalls calls;
    private final FunctionProcess.Exits exits;
    private final FunctionSandbox sandbox;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    private final PromptTemplate templates = new PromptTemplate();

    /** {@code pool} answers which models exist; model calls go through {@code calls} (the guarded path). */
    public FunctionInvoker(ModelPool pool, ModelCalls calls) {
        this(pool, calls, (function, reason) -> { });
    }

    /**
     * As above; {@code exits} hears of each function process that ended unasked, and why (timeout, out_of_memory,
     * crashed). Functions' processes are isolated as well as this machine allows, with the working directory (the
     * server's) hidden from them.
     */
    public FunctionInvoker(ModelPool pool, ModelCalls calls, BiConsumer<String, String> exits) {
        this(pool, calls, exits, List.of(Path.of(System.getProperty("user.dir"))), DEFAULT_UID_BASE);
    }

    /** As above, hiding {@code hidden} (the server's folders) from functions, which run as users from {@code uidBase} on. */
    public FunctionInvoker(ModelPool pool, ModelCalls calls, BiConsumer<String, String> exits, List<Path> hidden, int uidBase) {
        this(pool, calls, exits, FunctionSandbox.detect(hidden, uidBase));
    }

    FunctionInvoker(ModelPool pool, ModelCalls calls, BiConsumer<String, String> exits, FunctionSandbox sandbox) {
        this.pool = pool;
        this.calls = calls;
        this.exits = exits::accept;
        this.sandbox = sandbox;
    }

    public InvocationResult invoke(FunctionRegistry.Deployed deployed, Map<String, Object> input, TokenListener listener) {
        return invoke(deployed, input, listener, InvocationOptions.NONE);
    }

    /** Runs a function on {@code input}, its generated text going to {@code listener} as it comes. */
    public InvocationResult invoke(FunctionRegistry.Deployed deployed, Map<String, Object> input, TokenListener listener,
                                   InvocationOptions options) {
        return run(deployed, input, listener, options, (m, screened, model, deadline, host) -> m.kind() == FunctionManifest.Kind.PROMPT
                ? runPrompt(m, screened, model, deadline)
                : runJava(host, screened, new InvocationContext(m, model, deadline, UUID.randomUUID().toString())));
    }

    /**
     * Runs a prompt function on a conversation a caller sent (the OpenAI API naming the function as its model), on the
     * same path as {@link #invoke}: its concurrency limit, timeout and guards (over every message's role and content),
     * its system prompt first, its model, its input limit, and redaction of the answer. The caller's messages take the
     * place of the function's template; they may not bring system messages of their own (the function's system prompt
     * is the only one), nor ask for more tokens than the function's {@code max_tokens}.
     */
    public InvocationResult converse(FunctionRegistry.Deployed deployed, List<ChatMessage> messages, SamplingParams sampling, ToolUse tools,
                                     TokenListener listener, InvocationOptions options) {
        FunctionManifest m = deployed.manifest();
        if (m.kind() != FunctionManifest.Kind.PROMPT) throw new IllegalArgumentException(m.name() + " is a java function: call it at POST /fn/" + m.name());
        for (ChatMessage message : messages) {
            if (!Set.of("user", "assistant", "tool").contains(message.role())) {
                throw new IllegalArgumentException(m.name() + " is a function with its own system prompt: send user, assistant and tool messages only (got "
                        + message.role() + ")");
            }
        }
        if (sampling.maxTokens() > m.maxTokens()) {
            throw new IllegalArgumentException("max_tokens " + sampling.maxTokens() + " is above " + m.name() + "'s max_tokens of " + m.maxTokens());
        }
        // the guards see everything the caller sent: each message's text, its tool calls' names and arguments, the tools
        List<Map<String, Object>> conversation = messages.stream().map(FunctionInvoker::screenable).toList();
        Map<String, Object> input = new java.util.HashMap<>();
        input.put("messages", conversation);
        if (tools != null) {
            input.put("tools", tools.tools().stream().map(t -> Map.<String, Object>of("name", t.name(),
                    "description", t.description() == null ? "" : t.description(), "parameters", String.valueOf(t.parameters()))).toList());
        }
        return run(deployed, input, listener, options, (manifest, screened, model, deadline, host) -> {
            List<ChatMessage> prompt = new ArrayList<>();
            if (manifest.system() != null) prompt.add(new ChatMessage("system", manifest.system()));
            List<?> screenedMessages = (List<?>) screened.get("messages");
            for (int i = 0; i < screenedMessages.size(); i++) prompt.add(screened(messages.get(i), (Map<?, ?>) screenedMessages.get(i)));
            Completion c = model.call(ModelRequest.chat(prompt, sampling).withTools(screened(tools, (List<?>) screened.get("tools"))));
            ToolCallFormat.Answer answer = c.toolAnswer();
            if (answer != null && !answer.calls().isEmpty()) return new Outcome(answer.content(), "tool_calls", answer.calls());
            return new Outcome(c.generation().text(), c.generation().finishReason().apiName(), List.of());
        });
    }

    /** A message as the guards screen it: role, text, and its tool calls' names and arguments. */
    private static Map<String, Object> screenable(ChatMessage m) {
        Map<String, Object> out = new java.util.HashMap<>();
        out.put("role", m.role());
        out.put("content", m.content() == null ? "" : m.content());
        out.put("tool_calls", m.toolCalls().stream().map(c -> Map.<String, Object>of("name", c.name(), "arguments", c.arguments())).toList());
        if (m.toolCallId() != null) out.put("tool_call_id", m.toolCallId());
        return out;
    }

    /** The message rebuilt from what the guards let through (redacted text and arguments). */
    private static ChatMessage screened(ChatMessage sent, Map<?, ?> screened) {
        String content = (String) screened.get("content");
        List<?> calls = (List<?>) screened.get("tool_calls");
        List<ToolCall> kept = new ArrayList<>();
        for (int i = 0; i < sent.toolCalls().size(); i++) {
            ToolCall c = sent.toolCalls().get(i);
            kept.add(new ToolCall(c.id(), c.name(), (String) ((Map<?, ?>) calls.get(i)).get("arguments")));
        }
        return new ChatMessage(sent.role(), sent.content() == null && content.isEmpty() ? null : content, kept, sent.toolCallId());
    }

    /** The tools with the descriptions the guards let through. */
    private static ToolUse screened(ToolUse tools, List<?> screened) {
        if (tools == null) return null;
        List<ToolDefinition> kept = new ArrayList<>();
        for (int i = 0; i < tools.tools().size(); i++) {
            ToolDefinition t = tools.tools().get(i);
            String description = (String) ((Map<?, ?>) screened.get(i)).get("description");
            kept.add(new ToolDefinition(t.name(), t.description() == null && description.isEmpty() ? null : description, t.parameters()));
        }
        return new ToolUse(kept, tools.choice(), tools.parallel(), tools.answerSchema());
    }

    /** What runs inside an invocation once it is admitted and its input screened. */
    @FunctionalInterface
    private interface Body {
        Outcome run(FunctionManifest m, Map<String, Object> screened, PoolModelClient model, Instant deadline, FunctionProcess host);
    }

    /**
     * The one path of an invocation: admitted within the version's concurrency limit, its own code's process started
     * before the timeout counts, the input screened by the guards, the body run against the deadline with its model
     * calls on the guarded path, the output redacted, timings and usage gathered.
     */
    private InvocationResult run(FunctionRegistry.Deployed deployed, Map<String, Object> input, TokenListener listener, InvocationOptions options,
                                 Body body) {
        Loaded function = loaded.computeIfAbsent(deployed.sha256(), sha -> new Loaded(deployed.manifest(), deployed.archive(), exits, sandbox));
        FunctionManifest m = function.manifest;
        if (!function.permits.tryAcquire()) {
            throw new FunctionBusyException(m.id() + " is at its concurrency limit of " + m.concurrency() + "; retry shortly");
        }
        try {
            long start = System.nanoTime();
            AtomicLong firstToken = new AtomicLong();
            TokenListener timed = listener.peeking(() -> firstToken.compareAndSet(0, System.nanoTime()));
            // the process of the function's own code is started (if it is not running) before its timeout starts counting
            FunctionProcess host = function.hasCode() ? function.process() : null;
            Instant deadline = Instant.now().plusMillis(m.timeoutMillis());
            Map<String, Object> screened = function.guards.screen(input);
            // redacted output is only known whole: the pieces of a stream are held back, the answer carries it all
            TokenListener relayed = m.guards().redacts() ? (token, text) -> firstToken.compareAndSet(0, System.nanoTime()) : timed;
            PoolModelClient model = new PoolModelClient(calls, m, deadline, options, relayed);
            Outcome outcome = body.run(m, screened, model, deadline, host);
            long end = System.nanoTime();
            return new InvocationResult(m.name(), m.version(), model.servedBy(), function.guards.redact(outcome.output()), outcome.finishReason(), model.promptTokens(),
                    model.completionTokens(), model.queuedNanos() / 1e6, firstToken.get() == 0 ? -1 : (firstToken.get() - start) / 1e6, (end - start) / 1e6,
                    model.coldStart(), model.prefix(), outcome.toolCalls().stream()
                    .map(c -> new ToolCall(c.id(), c.name(), String.valueOf(function.guards.redact(c.arguments())))).toList());
        } finally {
            function.permits.release();
            if (function.closed()) function.close();
        }
    }

    /** What a function produced, before timings and usage are added. */
    private record Outcome(Object output, String finishReason, List<ToolCall> toolCalls) {
    }

    /**
     * Renders the template and calls the model; with an output schema the answer is held to it and parsed, so the
     * output is the JSON value itself.
     */
    private Outcome runPrompt(FunctionManifest m, Map<String, Object> input, ModelClient model, Instant deadline) {
        String user = templates.render(m.id(), m.template(), input, deadline, m.timeoutMillis());
        List<ModelClient.Message> messages = new ArrayList<>();
        if (m.system() != null) messages.add(ModelClient.Message.system(m.system()));
        messages.add(ModelClient.Message.user(user));
        ModelClient.ModelOptions options = ModelClient.ModelOptions.defaults();
        if (m.outputSchema() == null) {
            ModelClient.ModelResult r = model.chat(messages, options);
            return new Outcome(r.text(), r.finishReason(), List.of());
        }
        ModelClient.ModelResult r = model.chat(messages, options.withJsonSchema(m.outputSchema().toString()));
        return new Outcome(StructuredOutput.parse(m, r), r.finishReason(), List.of());
    }

    private static Outcome runJava(FunctionProcess host, Map<String, Object> input, InvocationContext context) {
        return new Outcome(host.invoke(input, context.model(), context.deadline(), context.requestId()), "stop", List.of());
    }

    /**
     * Refuses an archive that could never run here: its model is not served, or its java handler cannot be loaded
     * and created. Called before a deploy stores anything.
     */
    public void verify(FunctionManifest m, Path archive) {
        if (!pool.serves(m.model())) {
            throw new ArchiveInvalidException(m.id() + " names model '" + m.model() + "', which this server does not serve (served: "
                    + String.join(", ", pool.models().stream().map(io.hearth.pool.ModelInfo::id).toList()) + ")");
        }
        Loaded loaded = new Loaded(m, archive, FunctionProcess.Exits.NONE, sandbox);
        try {
            // the function's classes are created in a process of its own, as they will run: none of its code runs here
            if (loaded.hasCode()) loaded.process();
        } catch (IllegalArgumentException e) {
            throw new ArchiveInvalidException(e.getMessage());
        } finally {
            loaded.close();
        }
    }

    /**
     * Lets go of what was loaded for archives no longer deployed (undeployed functions): their processes end once the
     * calls in them are over.
     */
    public void retainOnly(Set<String> deployedSha256s) {
        loaded.entrySet().removeIf(e -> {
            if (deployedSha256s.contains(e.getKey())) return false;
            e.getValue().close();
            return true;
        });
    }

    @Override
    public void close() {
        for (Loaded l : loaded.values()) l.close();
        loaded.clear();
    }
}
