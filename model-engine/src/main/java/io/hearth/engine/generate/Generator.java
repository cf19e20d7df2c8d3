package io.hearth.engine.generate;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Runs one sequence from prompt to finish on a backend: reuses cached prefix blocks, prefills the rest in chunks,
 * then samples token by token, streaming text to a listener. The pool's scheduler batches many sequences itself;
 * this is the single-sequence path for the CLI, tests and benchmarks.
 */
public final class Generator {
    /** Prompt tokens per forward call: bounds scratch memory while keeping matrix tiles well reused. */
    public static final int PREFILL_CHUNK = 256;

    private final Backend backend;
    private final Tokenizer tokenizer;

    public Generator(Backend backend) {
        this.backend = backend;
        this.tokenizer = backend.model().tokenizer();
    }

    public GenerationResult generate(int[] prompt, SamplingParams params, TokenListener listener) {
        Decoding.checkFits(prompt, params, backend.model().config().contextLength());
        KvCache kv = backend.kvCache();
        Sequence sequence = kv.newSequence();
        try {
            long start = System.nanoTime();
            Decoding decoding = new Decoding(tokenizer, prompt, params);
            // the prompt's own log-probabilities need every position's logits, which cached blocks do not keep
            int cached = params.promptLogprobs() ? 0 : kv.attachCachedPrefix(sequence, prompt);
            float[] logits = params.promptLogprobs() ? scoredPrefill(sequence, prompt, decoding)
                    : prefill(sequence, Arrays.copyOfRange(prompt, cached, prompt.length));
            long prefillDone = System.nanoTime();
            while (!decoding.finished()) {
                decoding.accept(logits, listener);
                if (!decoding.finished()) {
                    logits = backend.forward(List.of(BatchEntry.lastLogits(sequence, decoding.lastToken()))).getFirst();
                }
            }
            decoding.flush(listener);
            long end = System.nanoTime();
            return new GenerationResult(decoding.tokens(), decoding.text(), decoding.finishReason(), prompt.length, cached,
                    prefillDone - start, end - prefillDone, decoding.logprobs(), decoding.promptLogprobs());
        } finally {
            kv.release(sequence);
        }
    }

    /** Feeds the whole prompt in chunks, asking each for all its logits to score the prompt's tokens; returns the last position's. */
    private float[] scoredPrefill(Sequence sequence, int[] prompt, Decoding decoding) {
        int vocab = backend.model().config().vocabSize();
        float[] last = null;
        for (int from = 0; from < prompt.length; from += PREFILL_CHUNK) {
            int[] chunk = Arrays.copyOfRange(prompt, from, Math.min(prompt.length, from + PREFILL_CHUNK));
            float[] all = backend.forward(List.of(BatchEntry.allLogits(sequence, chunk))).getFirst();
            decoding.scorePrompt(all, chunk.length, from, prompt);
            last = Arrays.copyOfRange(all, all.length - vocab, all.length);
        }
        return last;
    }

    /** Feeds tokens in chunks and returns the logits after the last one. */
    public float[] prefill(Sequence sequence, int[] tokens) {
        float[] logits = null;
        for (int from = 0; from < tokens.length; from += PREFILL_CHUNK) {
            int[] chunk = Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + PREFILL_CHUNK));
            logits = backend.forward(List.of(BatchEntry.lastLogits(sequence, chunk))).getFirst();
        }
        return logits;
    }
}
