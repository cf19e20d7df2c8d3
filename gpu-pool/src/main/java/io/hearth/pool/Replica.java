package io.hearth.pool;

import io.hearth.cuda.CudaBackend;
import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.chat.ChatTemplate;
import io.hearth.engine.embed.Pooling;
import io.hearth.engine.generate.Decoding;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.BlockHash;
import io.hearth.engine.kv.CacheScope;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tools.GenericToolPrompt;
import io.hearth.engine.tools.ToolCallFormat;
import io.hearth.engine.tools.ToolGrammars;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One loaded copy of a model on a device (the CPU, or a CUDA device): the mapped weights, a backend with its KV cache (on the CPU,
 * computing from the mapping; on a GPU, with the weights uploaded), and the
 * continuous-batching {@link Scheduler} that runs every request sent to it. Requests are tokenized on the caller's
 * thread; tokens come back to that thread through the sequence's event queue.
 */
final class Replica implements AutoCloseable {
    private static final String PROBE_TEXT = "Hearth self-check";

    private static final System.Logger LOG = System.getLogger(Replica.class.getName());

    final int number;
    private final ModelSpec spec;
    private final Model model;
    private final Backend backend;
    private final ChatTemplate template;
    private final WeightTier tier;
    private final long loadNanos;
    private final AtomicLong tokensGenerated = new AtomicLong();
    private Scheduler scheduler;
    private SharedBlocks shared = SharedBlocks.NONE;
    private volatile boolean draining;
    private volatile long lastActiveNanos = System.nanoTime();
    /** Device memory the pool reserved for this replica; given back when it unloads. */
    private volatile long reservedBytes;
    /** Blocks held for pinned prefixes, by pin key: never free, so never evicted, until unpinned. */
    private final Map<String, int[]> pinned = new ConcurrentHashMap<>();
    /**
     * Tokens of the functions' fixed prompt starts, rendered once each: keyed calls ask for theirs on every request.
     * There are as many as deployed function versions; the bound only guards against a flood of them.
     */
    private final Map<List<ChatMessage>, int[]> prefixTokens = new ConcurrentHashMap<>();
    private static final int PREFIX_TOKENS_KEPT = 1024;
    /** The idle time the last caller's keep-alive hint asked for (already bounded by ops); null: the model's idle-timeout. */
    private volatile Duration keepAlive;

    /** {@code loadStart}: when the load began; the load time ends once the backend is ready (weights on its device, KV allocated). */
    private Replica(int number, ModelSpec spec, Model model, Backend backend, WeightTier tier, long loadStart) {
        this.number = number;
        this.spec = spec;
        this.model = model;
        this.tier = tier;
        this.backend = backend;
        this.template = ChatTemplate.forModel(model);
        this.loadNanos = System.nanoTime() - loadStart;
    }

    /**
     * Maps the model and makes a backend for it on {@code device} ({@code cpu} or {@code cuda:N}). On the CPU the
     * weights are read into memory in parallel chunks; on a GPU they are uploaded from the mapping (reading it on
     * the way); both report progress. The tier says whether the weights were already in host memory before the
     * load. {@code kept}, a model the host tier held mapped and populated, skips the mapping and the reading.
     */
    static Replica load(int number, ModelSpec spec, String device, LoadProgress progress, Model kept) {
        long start = System.nanoTime();
        WeightTier tier = kept != null || PageCache.residentFraction(spec.source()) >= 0.9 ? WeightTier.HOST : WeightTier.DISK;
        Model model = kept != null ? kept : Model.load(spec.source());
        try {
            // the KV serves all the replica's sequences (spec.kvTokens); one sequence is bounded by the model's
            // context where it is admitted (tokenize)
            Backend backend;
            int cuda = ModelSpec.cudaIndex(device);
            if (cuda >= 0) {
                backend = CudaBackend.load(model, cuda, spec.kvTokens(), progress::loading);
            } else {
                // the kept model's pages are in memory already; the waiting callers hear 100% when it is done
                if (kept == null) WeightLoader.read(model.file().data(), spec.threads(), progress);
                backend = new CpuBackend(model, new EngineOptions(spec.threads(), KvType.F32, spec.kvTokens()));
            }
            return new Replica(number, spec, model, backend, tier, start);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The self-check's probe: one fixed token (the first of a fixed text: BOS where the model adds one). One position
     * passes every weight matrix of every layer, so a changed or corrupt file shows in its logits, which must be the
     * same on every load (checked by the pool on the replica's first step).
     */
    int[] probeTokens() {
        return Arrays.copyOf(model.tokenizer().encode(PROBE_TEXT, true, true), 1);
    }

    /**
     * Starts the step loop: from here on the replica takes traffic. {@code check} rides on its first step;
     * {@code onFailure} hears if the replica fails.
     */
    void start(int maxBatch, Scheduler.StepObserver observer, Scheduler.FailureObserver onFailure, Scheduler.SelfCheck check,
               SharedBlocks shared) {
        this.shared = shared;
        scheduler = new Scheduler(backend, maxBatch, spec.id() + "-" + number, (batch, generated) -> {
            tokensGenerated.addAndGet(generated);
            observer.onStep(batch, generated);
        }, onFailure, check, shared);
    }

    /** Fails the replica at its next step (see {@link Scheduler#kill}). */
    void kill(String reason) {
        scheduler.kill(reason);
    }

    ReplicaState state() {
        if (draining || scheduler.failed()) return ReplicaState.DRAINING;
        return scheduler.load() > 0 ? ReplicaState.BUSY : ReplicaState.WARM;
    }

    /** Sequences running or waiting on this replica. */
    int load() {
        return scheduler.load();
    }

    int waiting() {
        return scheduler.waitingCount();
    }

    long idleNanos(long now) {
        return load() > 0 ? 0 : now - lastActiveNanos;
    }

    void reservedBytes(long bytes) {
        reservedBytes = bytes;
    }

    long reservedBytes() {
        return reservedBytes;
    }

    /** Keeps this replica loaded for {@code bounded} after its last call, in place of the model's idle-timeout. */
    void keepAlive(Duration bounded) {
        keepAlive = bounded;
    }

    /** How long this replica may stay idle before it unloads: the last keep-alive hint, else the policy's timeout. */
    Duration idleLimit(Duration idleTimeout) {
        Duration hint = keepAlive;
        return hint != null ? hint : idleTimeout;
    }

    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    WeightTier tier() {
        return tier;
    }

    long loadNanos() {
        return loadNanos;
    }

    Model model() {
        return model;
    }

    long tokensGenerated() {
        return tokensGenerated.get();
    }

    Backend backend() {
        return backend;
    }

    /** Bytes this replica holds on its device: its weights and its KV cache. */
    long deviceBytes() {
        return backend.deviceBytes();
    }

    int[] tokenize(ModelRequest request) {
        int[] prompt = request.prompt() != null
                // control tokens are read in a raw prompt, except in parts marked as a caller's text
                ? model.tokenizer().encodeMarked(request.prompt(), true)
                : request.tokens() != null ? checkedTokens(request.tokens())
                : chatTokens(request);
        if (request.maxPromptTokens() > 0 && prompt.length > request.maxPromptTokens()) {
            throw new PromptTooLongException(prompt.length, request.maxPromptTokens());
        }
        Decoding.checkFits(prompt, request.sampling(), model.config().contextLength());
        return prompt;
    }

    /**
     * Runs a request in the step loop and relays its tokens to {@code listener} on this (the caller's) thread. If
     * the listener throws (the client went away) or the request's deadline passes, the sequence is cancelled and its
     * KV blocks freed.
     */
    Completion generate(int[] prompt, ModelRequest request, TokenListener listener) {
        var kv = backend.kvCache();
        CacheScope scope = cacheScope(request, prompt);
        ToolCallFormat tools = request.tools() == null ? null : toolCallFormat();
        SamplingParams sampling = tools == null ? request.sampling() : request.sampling().withGrammar(ToolGrammars.of(tools, request.tools()));
        ScheduledSequence s = new ScheduledSequence(model.tokenizer(), prompt, sampling, request.caller(), scope,
                kv.prefixHashes(prompt, scope));
        fetchSharedPrefix(s);
        scheduler.submit(s);
        ScheduledSequence.Done d = (ScheduledSequence.Done) awaitEnd(s, request.deadline(), listener);
        return new Completion(spec.id(), d.result(), s.queuedNanos(), null, s.reuse(),
                tools == null ? null : tools.parse(d.result().text(), request.tools().offeredNames()));
    }

    /**
     * Embeds {@code prompt} in the step loop: a prefill-only sequence whose chunks share steps with the generating
     * sequences, pooled as the model's settings say ({@link #pooling}). Cancelled past the request's deadline.
     */
    Embedding embed(int[] prompt, ModelRequest request) {
        var kv = backend.kvCache();
        CacheScope scope = cacheScope(request, prompt);
        Pooling pooling = pooling();
        ScheduledSequence s = new ScheduledSequence(prompt, pooling, model.config().dim(), request.caller(), scope,
                kv.prefixHashes(prompt, scope));
        if (s.reusesCachedPrefix()) fetchSharedPrefix(s);
        scheduler.submit(s);
        ScheduledSequence.Embedded e = (ScheduledSequence.Embedded) awaitEnd(s, request.deadline(), TokenListener.NONE);
        return new Embedding(spec.id(), e.vector(), pooling, e.promptTokens(), e.cachedTokens(), s.queuedNanos(), null, s.reuse());
    }

    /** How this model's embeddings are pooled: as ops set it, else as its file says (mean where it says nothing). */
    Pooling pooling() {
        return spec.pooling() != null ? spec.pooling() : Pooling.of(model.file());
    }

    /**
     * Relays a submitted sequence's tokens to {@code listener} on this (the caller's) thread until it ends, and returns
     * its end. If the listener throws (the client went away) or the deadline passes, the sequence is cancelled and its
     * KV blocks freed; a failure in the step loop is thrown here.
     */
    private ScheduledSequence.Event awaitEnd(ScheduledSequence s, Instant deadline, TokenListener listener) {
        try {
            while (true) {
                ScheduledSequence.Event event = nextEvent(s, deadline);
                switch (event) {
                    case ScheduledSequence.Token t -> listener.onToken(t.token(), t.text(), t.logprob());
                    case ScheduledSequence.Failed f -> throw f.error();
                    case ScheduledSequence.Done d -> {
                        return d;
                    }
                    case ScheduledSequence.Embedded e -> {
                        return e;
                    }
                }
            }
        } catch (InterruptedException e) {
            s.cancel();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while generating");
        } catch (RuntimeException e) {
            s.cancel();
            throw e;
        } finally {
            lastActiveNanos = System.nanoTime();
        }
    }

    /**
     * A conversation's tokens: tools through the template's {@code tools} where it takes them, else in the generic
     * form, which also writes earlier calls and tool answers (a template without tools would drop them).
     */
    private int[] chatTokens(ModelRequest request) {
        if (template.toolCallFormat() != null) {
            return template.promptTokens(model.tokenizer(), request.messages(), request.tools() == null ? List.of() : request.tools().callable());
        }
        if (request.tools() == null && !GenericToolPrompt.hasToolTurns(request.messages())) {
            return template.promptTokens(model.tokenizer(), request.messages());
        }
        return template.promptTokens(model.tokenizer(), GenericToolPrompt.apply(request.messages(), request.tools()));
    }

    /**
     * The tokens of a text or token ids to embed: a text is the caller's (BOS where the model adds one, control-token
     * syntax read as text, as llama.cpp's embedding tool reads it), bounded like any prompt by the request's limit and
     * the model's context.
     */
    int[] embeddingTokens(ModelRequest request) {
        if (request.messages() != null) throw new IllegalArgumentException("an embedding takes text or token ids, not messages");
        if (request.prompt() != null && request.prompt().isEmpty()) throw new IllegalArgumentException("the text to embed is empty");
        int[] prompt = request.prompt() != null ? model.tokenizer().encode(request.prompt(), true, false) : checkedTokens(request.tokens());
        if (prompt.length == 0) throw new IllegalArgumentException("the text to embed is empty: it has no tokens");
        int limit = model.config().contextLength();
        if (request.maxPromptTokens() > 0) limit = Math.min(limit, request.maxPromptTokens());
        if (prompt.length > limit) throw new PromptTooLongException(prompt.length, limit);
        return prompt;
    }

    /** A prompt given as token ids: each must be one of the model's. */
    private int[] checkedTokens(int[] tokens) {
        int size = model.tokenizer().vocabulary().size();
        for (int t : tokens) {
            if (t < 0 || t >= size) throw new IllegalArgumentException("token id " + t + " is not in the model's vocabulary of " + size + " tokens");
        }
        return tokens;
    }

    /** How the model writes tool calls: its template's format, or the generic (Hermes) form Hearth prompts for. */
    private ToolCallFormat toolCallFormat() {
        ToolCallFormat own = template.toolCallFormat();
        return own != null ? own : ToolCallFormat.HERMES;
    }

    /**
     * The request's prefix-cache scope: its salt's, turning private to its tenant after the tokens it shares with its
     * public prefix (counted on the prompt itself, so a template that renders the prefix otherwise shares nothing).
     */
    private CacheScope cacheScope(ModelRequest request, int[] prompt) {
        var kv = backend.kvCache();
        TenantScope tenant = request.tenant();
        if (tenant == null) return kv.scope(request.cacheSalt());
        int[] shared = tenant.publicPrefix().isEmpty() ? new int[0] : prefixTokens(tenant.publicPrefix());
        int firstDifference = Arrays.mismatch(shared, prompt);
        return kv.scope(request.cacheSalt(), tenant.tenant(), firstDifference < 0 ? shared.length : firstDifference);
    }

    /** The tokens of a conversation's start ({@link ChatTemplate#prefixTokens}), rendered once. */
    private int[] prefixTokens(List<ChatMessage> messages) {
        int[] known = prefixTokens.get(messages);
        if (known != null) return known;
        if (prefixTokens.size() >= PREFIX_TOKENS_KEPT) prefixTokens.clear();
        return prefixTokens.computeIfAbsent(messages, m -> template.prefixTokens(model.tokenizer(), m));
    }

    /** Share of a replica's KV blocks pins may hold: the rest always stays for requests. */
    static final double PINNED_SHARE = 0.25;

    /**
     * Computes a prefix's KV blocks once (through the step loop, like any request, so they are also published to the
     * shared tier, or taken from it) and holds them, so they stay cached while pinned. Pins together hold at most
     * {@link #PINNED_SHARE} of the KV blocks; a prefix beyond that is held only in part (its first blocks, which are
     * the ones a call can use). Returns the blocks held.
     */
    int pin(String key, PinnedPrefix prefix) {
        int[] tokens = prefixTokens(prefix.messages());
        var kv = backend.kvCache();
        List<BlockHash> hashes = kv.prefixHashes(tokens, kv.scope(prefix.cacheSalt()));
        if (hashes.isEmpty()) return 0;
        generate(tokens, ModelRequest.text("", SamplingParams.greedy(1)).withCaller("prefix-pin").withCacheSalt(prefix.cacheSalt()),
                (token, text) -> { });
        return hold(key, hashes);
    }

    /** Takes and keeps a reference on each cached block of the chain {@code hashes}, within the pins' share. */
    private synchronized int hold(String key, List<BlockHash> hashes) {
        var kv = backend.kvCache();
        unpin(key);
        Set<Integer> alreadyPinned = pinnedBlockSet();
        int room = (int) (kv.pool().capacity() * PINNED_SHARE) - alreadyPinned.size();
        List<Integer> held = new ArrayList<>();
        for (BlockHash h : hashes) {
            int block = kv.pool().acquireCached(h);
            if (block < 0) break;
            if (!alreadyPinned.contains(block) && room-- <= 0) {
                kv.pool().release(block);
                break;
            }
            held.add(block);
        }
        int[] blocks = held.stream().mapToInt(Integer::intValue).toArray();
        pinned.put(key, blocks);
        if (blocks.length < hashes.size()) {
            LOG.log(System.Logger.Level.WARNING, "model " + spec.id() + " pins " + blocks.length + " of the " + hashes.size()
                    + " prefix blocks of " + key + ": pins may hold a quarter of a replica's KV blocks");
        }
        return blocks.length;
    }

    synchronized void unpin(String key) {
        int[] blocks = pinned.remove(key);
        if (blocks != null) release(blocks);
    }

    /** Distinct blocks held by pins (prefixes that begin alike share their first blocks). */
    int pinnedBlocks() {
        return pinnedBlockSet().size();
    }

    private Set<Integer> pinnedBlockSet() {
        return pinned.values().stream().flatMapToInt(Arrays::stream).boxed().collect(Collectors.toSet());
    }

    int pinnedBlocks(String key) {
        int[] blocks = pinned.get(key);
        return blocks == null ? 0 : blocks.length;
    }

    private void release(int[] blocks) {
        for (int b : blocks) backend.kvCache().pool().release(b);
    }

    /**
     * On the caller's thread, so a slow shared tier delays only this request: the prompt's full blocks beyond those
     * cached here are looked up in the shared tier, and what is found rides with the sequence to be imported when it is
     * admitted.
     */
    private void fetchSharedPrefix(ScheduledSequence s) {
        if (shared == SharedBlocks.NONE) return;
        var kv = backend.kvCache();
        int from = kv.cachedLeading(s.prefixHashes);
        s.fetchedFromSharedTier(from, shared.lookup(s.prefixHashes.subList(from, s.prefixHashes.size())));
    }

    private static ScheduledSequence.Event nextEvent(ScheduledSequence s, Instant deadline) throws InterruptedException {
        if (deadline == null) return s.events.take();
        ScheduledSequence.Event event = s.events.poll(Math.max(0, Duration.between(Instant.now(), deadline).toNanos()), TimeUnit.NANOSECONDS);
        if (event == null) throw new DeadlineExceededException("the model call ran past its deadline");
        return event;
    }

    @Override
    public void close() {
        closeKeepingWeights().close();
    }

    /** Stops the replica and frees its KV cache; the mapped model is the caller's (the host tier's) from here on. */
    Model closeKeepingWeights() {
        if (scheduler != null) scheduler.close();
        backend.close();
        return model;
    }
}
