package io.hearth.engine.generate;

import io.hearth.engine.backend.Backend;
import io.hearth.engine.backend.BatchEntry;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.Sequence;
import io.hearth.engine.sample.Sampler;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.sample.StopMatcher;
import io.hearth.engine.sample.Utf8Assembler;
import io.hearth.engine.tokenizer.Tokenizer;
import io.hearth.engine.tokenizer.Vocabulary;

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
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        int context = backend.model().config().contextLength();
        if (prompt.length + params.maxTokens() > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus max_tokens " + params.maxTokens()
                    + " exceeds the model's context of " + context + " tokens");
        }
        KvCache kv = backend.kvCache();
        Sequence sequence = kv.newSequence();
        try {
            long start = System.nanoTime();
            int cached = kv.attachCachedPrefix(sequence, prompt);
            float[] logits = prefill(sequence, Arrays.copyOfRange(prompt, cached, prompt.length));
            long prefillDone = System.nanoTime();

            Vocabulary vocab = tokenizer.vocabulary();
            Sampler sampler = new Sampler(params);
            Utf8Assembler utf8 = new Utf8Assembler();
            StopMatcher stops = new StopMatcher(params.stop());
            StringBuilder text = new StringBuilder();
            int[] history = Arrays.copyOf(prompt, prompt.length + params.maxTokens());
            int generated = 0;
            FinishReason reason = FinishReason.LENGTH;
            while (generated < params.maxTokens()) {
                int token = sampler.sample(logits, history, prompt.length + generated);
                if (vocab.isEndOfGeneration(token)) {
                    reason = FinishReason.STOP;
                    break;
                }
                history[prompt.length + generated++] = token;
                String piece = stops.accept(utf8.accept(tokenizer.pieceBytes(token, false)));
                text.append(piece);
                listener.onToken(token, piece);
                if (stops.stopped()) {
                    reason = FinishReason.STOP;
                    break;
                }
                if (generated < params.maxTokens()) {
                    logits = backend.forward(List.of(BatchEntry.lastLogits(sequence, token))).getFirst();
                }
            }
            String tail = stops.accept(utf8.flush()) + stops.flush();
            if (!tail.isEmpty()) {
                text.append(tail);
                listener.onToken(-1, tail);
            }
            long end = System.nanoTime();
            return new GenerationResult(Arrays.copyOfRange(history, prompt.length, prompt.length + generated), text.toString(),
                    reason, prompt.length, cached, prefillDone - start, end - prefillDone);
        } finally {
            kv.release(sequence);
        }
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
