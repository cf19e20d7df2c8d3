package io.hearth.pool;

import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.embed.PooledEmbedding;
import io.hearth.engine.embed.Pooling;
import io.hearth.engine.generate.Decoding;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.BlockHash;
import io.hearth.engine.kv.CacheScope;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.sample.TokenLogprob;
import io.hearth.engine.tokenizer.Tokenizer;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request inside a replica's {@link Scheduler}: a generation (decoding state, sampled tokens), or an embedding
 * (a prefill-only sequence whose hidden states are pooled as its chunks are computed). The step loop owns its KV sequence and decoding state; the
 * caller's thread only reads {@link #events} (tokens, then the result or the failure) and may {@link #cancel()}.
 * Tokens travel through a queue so a slow client never holds up the step loop and the other sequences in it.
 */
final class ScheduledSequence {
    /** What the caller's thread receives: a token, or the end (a result or a failure). */
    sealed interface Event permits Token, Done, Embedded, Failed {
    }

    /** A token, its text, and its log-probability where the call asked for them (else null). */
    record Token(int token, String text, TokenLogprob logprob) implements Event {
    }

    record Done(GenerationResult result) implements Event {
    }

    /** An embedding's end: the pooled vector, the prompt's tokens and those of them served from the prefix cache. */
    record Embedded(float[] vector, int promptTokens, int cachedTokens) implements Event {
    }

    record Failed(RuntimeException error) implements Event {
    }

    final int[] prompt;
    final SamplingParams params;
    /** Who asked (a function, or the OpenAI API): waiting sequences are admitted callers in turn. */
    final String caller;
    /** The prompt's prefix-cache scope: where its block chain starts and where it turns private. */
    final CacheScope cacheScope;
    /** Chain hashes of the prompt's full blocks, computed once on the caller's thread for every prefix-cache use. */
    final List<BlockHash> prefixHashes;
    /** Blocks fetched from the shared tier for {@code prefixHashes} from {@code fetchedFrom} on, to import on admission. */
    private List<byte[]> fetched = List.of();
    private int fetchedFrom;
    /** A generation's decoding state; null for an embedding. */
    final Decoding decoding;
    /** An embedding's pooled hidden states; null for a generation. */
    private final PooledEmbedding pooled;
    private final Pooling pooling;
    final long arrivedNanos = System.nanoTime();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    // Owned by the step loop once admitted:
    private Sequence sequence;
    private int cachedTokens;
    private volatile PrefixReuse reuse = PrefixReuse.NONE;
    /** Prompt tokens whose KV is present (cached or computed); the prompt is prefilled once this reaches its length. */
    private int prefilled;
    private volatile long admittedNanos;
    private long firstTokenNanos;

    ScheduledSequence(Tokenizer tokenizer, int[] prompt, SamplingParams params, String caller, CacheScope cacheScope,
                      List<BlockHash> prefixHashes) {
        this.prompt = prompt;
        this.cacheScope = cacheScope;
        this.prefixHashes = prefixHashes;
        this.caller = caller;
        this.params = params;
        this.decoding = new Decoding(tokenizer, prompt, params);
        this.pooled = null;
        this.pooling = null;
    }

    /** An embedding of {@code prompt}, pooled as {@code pooling} over hidden states {@code dim} wide. */
    ScheduledSequence(int[] prompt, Pooling pooling, int dim, String caller, CacheScope cacheScope, List<BlockHash> prefixHashes) {
        this.prompt = prompt;
        this.cacheScope = cacheScope;
        this.prefixHashes = prefixHashes;
        this.caller = caller;
        this.params = null;
        this.decoding = null;
        this.pooled = new PooledEmbedding(pooling, dim);
        this.pooling = pooling;
    }

    boolean embedding() {
        return pooled != null;
    }

    /**
     * Whether its prompt may start from cached KV blocks: a generation's may, and an embedding's when its pooling
     * reads only the last position (the others need every position's hidden state, which a cached block does not keep).
     */
    boolean reusesCachedPrefix() {
        return pooled == null ? !params.promptLogprobs() : pooling.startsFromCachedPrefix();
    }

    /**
     * Prompt tokens a scored prompt computes per step: each costs a vocabulary's logits and a pass over them on the
     * step loop, so its chunks stay small and the other sequences' steps stay short.
     */
    static final int SCORED_CHUNK = 32;

    /** The most prompt tokens this sequence's prefill takes in one step. */
    int prefillLimit() {
        return pooled == null && params.promptLogprobs() ? SCORED_CHUNK : Integer.MAX_VALUE;
    }

    /** What a prefill chunk asks the step for: hidden states (an embedding), every position's logits (the prompt scored), or the last logits. */
    BatchEntry.Output prefillOutput() {
        if (pooled != null) return BatchEntry.Output.HIDDEN;
        return params.promptLogprobs() ? BatchEntry.Output.ALL_LOGITS : BatchEntry.Output.LAST_LOGITS;
    }

    /** Tokens it adds to its prompt: a generation's {@code max_tokens}, none for an embedding. */
    int answerTokens() {
        return pooled == null ? params.maxTokens() : 0;
    }


    /** Sends the step loop's tokens to the caller. */
    final TokenListener toCaller = TokenListener.relaying((token, text, logprob) -> events.add(new Token(token, text, logprob)));

    /** On the caller's thread, before submission: blocks found in the shared tier for the prompt's hashes from {@code from} on. */
    void fetchedFromSharedTier(int from, List<byte[]> blocks) {
        this.fetchedFrom = from;
        this.fetched = blocks;
    }

    /** Blocks fetched from the shared tier, taken once (on admission, to import into the replica's cache). */
    List<byte[]> takeFetched() {
        List<byte[]> blocks = fetched;
        fetched = List.of();
        return blocks;
    }

    /** Where the fetched blocks start among the prompt's hashes. */
    int fetchedFrom() {
        return fetchedFrom;
    }

    /** Admitted to run: its KV sequence, the prompt tokens already cached in it, and how the prefix cache served it. */
    void admitted(Sequence kv, int cached, PrefixReuse prefixReuse) {
        this.sequence = kv;
        this.cachedTokens = cached;
        this.prefilled = cached;
        this.reuse = prefixReuse;
        this.admittedNanos = System.nanoTime();
    }

    Sequence sequence() {
        return sequence;
    }

    int cachedTokens() {
        return cachedTokens;
    }

    PrefixReuse reuse() {
        return reuse;
    }

    /** Nanoseconds from arrival to admission: its time in the queue. */
    long queuedNanos() {
        return admittedNanos - arrivedNanos;
    }

    boolean prefilling() {
        return prefilled < prompt.length;
    }

    /** The next prompt tokens to prefill, at most {@code budget} of them (none when prefilled). */
    int[] nextPrefill(int budget) {
        int n = Math.min(budget, prompt.length - prefilled);
        return java.util.Arrays.copyOfRange(prompt, prefilled, prefilled + Math.max(0, n));
    }

    /**
     * A step computed {@code tokens} more of the prompt's KV, with {@code output} for them ({@link #prefillOutput}):
     * an embedding pools it, a scored prompt takes its tokens' log-probabilities from it.
     */
    void prefilledBy(int tokens, float[] output) {
        if (pooled != null) pooled.add(output);
        else if (params.promptLogprobs()) decoding.scorePrompt(output, tokens, prefilled, prompt);
        prefilled += tokens;
    }

    /** The logits the next token is sampled from: a step's output for this sequence, its last row where it gave all of them. */
    static float[] samplingLogits(float[] output, int vocab) {
        return output.length == vocab ? output : java.util.Arrays.copyOfRange(output, output.length - vocab, output.length);
    }

    /** A step gave this sequence logits to sample: the first time is its first token. */
    void sampled() {
        if (firstTokenNanos == 0) firstTokenNanos = System.nanoTime();
    }

    /** The client went away: the step loop drops this sequence and frees its KV blocks before its next step. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void finish() {
        if (pooled != null) {
            events.add(new Embedded(pooled.vector(), prompt.length, cachedTokens));
            return;
        }
        decoding.flush(toCaller);
        long end = System.nanoTime();
        long first = firstTokenNanos == 0 ? end : firstTokenNanos;
        events.add(new Done(new GenerationResult(decoding.tokens(), decoding.text(), decoding.finishReason(), prompt.length,
                cachedTokens, first - admittedNanos, end - first, decoding.logprobs(), decoding.promptLogprobs())));
    }

    void fail(RuntimeException error) {
        events.add(new Failed(error));
    }
}
