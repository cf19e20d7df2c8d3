package io.hearth.pool;

import io.hearth.engine.generate.Decoding;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.kv.BlockHash;
import io.hearth.engine.kv.CacheScope;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tokenizer.Tokenizer;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One request inside a replica's {@link Scheduler}. The step loop owns its KV sequence and decoding state; the
 * caller's thread only reads {@link #events} (tokens, then the result or the failure) and may {@link #cancel()}.
 * Tokens travel through a queue so a slow client never holds up the step loop and the other sequences in it.
 */
final class ScheduledSequence {
    /** What the caller's thread receives: a token, or the end (a result or a failure). */
    sealed interface Event permits Token, Done, Failed {
    }

    record Token(int token, String text) implements Event {
    }

    record Done(GenerationResult result) implements Event {
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
    List<byte[]> fetched = List.of();
    int fetchedFrom;
    final Decoding decoding;
    final long arrivedNanos = System.nanoTime();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;

    // Owned by the step loop:
    Sequence sequence;
    int cachedTokens;
    PrefixReuse reuse = PrefixReuse.NONE;
    /** Prompt tokens whose KV is present (cached or computed); the prompt is prefilled once this reaches its length. */
    int prefilled;
    long admittedNanos;
    long firstTokenNanos;

    ScheduledSequence(Tokenizer tokenizer, int[] prompt, SamplingParams params, String caller, CacheScope cacheScope,
                      List<BlockHash> prefixHashes) {
        this.prompt = prompt;
        this.cacheScope = cacheScope;
        this.prefixHashes = prefixHashes;
        this.caller = caller;
        this.params = params;
        this.decoding = new Decoding(tokenizer, prompt, params);
    }

    /** Sends the step loop's tokens to the caller. */
    final TokenListener toCaller = (token, text) -> events.add(new Token(token, text));

    boolean prefilling() {
        return prefilled < prompt.length;
    }

    /** The client went away: the step loop drops this sequence and frees its KV blocks before its next step. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void finish() {
        decoding.flush(toCaller);
        long end = System.nanoTime();
        long first = firstTokenNanos == 0 ? end : firstTokenNanos;
        events.add(new Done(new GenerationResult(decoding.tokens(), decoding.text(), decoding.finishReason(), prompt.length,
                cachedTokens, first - admittedNanos, end - first)));
    }

    void fail(RuntimeException error) {
        events.add(new Failed(error));
    }
}
