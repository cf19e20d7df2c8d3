package io.hearth.engine.generate;

import io.hearth.engine.grammar.GrammarMatcher;
import io.hearth.engine.sample.Sampler;
import io.hearth.engine.sample.TokenLogprob;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.sample.StopMatcher;
import io.hearth.engine.sample.Utf8Assembler;
import io.hearth.engine.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * The sampling side of one sequence: turns each step's logits into the next token and its text, and knows when the
 * sequence is done (end-of-generation token, stop string, max_tokens). It does no forward pass, so the same state
 * serves the single-sequence {@link Generator} and the pool's batched step loop.
 */
public final class Decoding {
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    /** The grammar the output must match, or null for free text. */
    private final GrammarMatcher grammar;
    private final Utf8Assembler utf8 = new Utf8Assembler();
    private final StopMatcher stops;
    private final StringBuilder text = new StringBuilder();
    private final int[] history;
    private final int promptLength;
    private final int maxTokens;
    private final SamplingParams params;
    /** Each generated token's log-probability, when asked for. */
    private final java.util.List<TokenLogprob> logprobs = new java.util.ArrayList<>();
    private final java.util.List<TokenLogprob> promptLogprobs = new java.util.ArrayList<>();
    private int generated;
    private FinishReason finishReason;

    public Decoding(Tokenizer tokenizer, int[] prompt, SamplingParams params) {
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(params);
        this.params = params;
        this.grammar = params.grammar() == null ? null : new GrammarMatcher(params.grammar(), tokenizer);
        this.stops = new StopMatcher(params.stop());
        this.promptLength = prompt.length;
        this.maxTokens = params.maxTokens();
        this.history = Arrays.copyOf(prompt, prompt.length + maxTokens);
        if (maxTokens == 0) finishReason = FinishReason.LENGTH;
    }

    /** Refuses a request that cannot run on a model with {@code context} positions: an empty prompt, or too long. */
    public static void checkFits(int[] prompt, SamplingParams params, int context) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length + params.maxTokens() > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus max_tokens " + params.maxTokens()
                    + " exceeds the model's context of " + context + " tokens");
        }
    }

    /**
     * Samples the next token from the logits of the sequence's last position and hands its text to the listener.
     * Afterwards {@link #finished()} says whether another forward step is wanted for {@link #lastToken()}.
     */
    public void accept(float[] logits, TokenListener listener) {
        if (finished()) throw new IllegalStateException("the sequence has finished");
        if (grammar != null && !grammar.mask(logits)) {
            // no token of this vocabulary continues the grammar: the answer cannot be completed
            finishReason = FinishReason.LENGTH;
            return;
        }
        int token = sampler.sample(logits, history, promptLength, promptLength + generated);
        // the sampler left the logits as it chose from them (grammar, bias and penalties applied)
        TokenLogprob logprob = params.logprobs() >= 0 && !tokenizer.vocabulary().isEndOfGeneration(token) ? logprob(logits, token) : null;
        if (logprob != null) logprobs.add(logprob);
        if (grammar != null && !grammar.accept(token)) {
            throw new IllegalStateException("sampled token " + token + " outside the grammar's mask");
        }
        if (tokenizer.vocabulary().isEndOfGeneration(token)) {
            finishReason = FinishReason.STOP;
            return;
        }
        history[promptLength + generated++] = token;
        String piece = stops.accept(utf8.accept(tokenizer.pieceBytes(token, false)));
        text.append(piece);
        listener.onToken(token, piece, logprob);
        if (stops.stopped() || (grammar != null && grammar.complete())) finishReason = FinishReason.STOP;
        else if (generated == maxTokens) finishReason = FinishReason.LENGTH;
    }

    private TokenLogprob logprob(float[] logits, int token) {
        return TokenLogprob.of(TokenLogprob.logSoftmax(logits, params.temperature()), token, params.logprobs(), id -> tokenizer.pieceBytes(id, false));
    }

    /**
     * Scores prompt tokens from the logits of a prefill chunk that asked for all of them ({@code rows × vocab}, the
     * chunk's first token at prompt position {@code from}): row r is the model's distribution for position
     * {@code from + r + 1}, so it gives that prompt token's log-probability (the raw distribution: nothing was sampled
     * from it); the row past the prompt's end is the first answer token's, left to {@link #accept}. The prompt's first
     * token, which nothing predicts, gets NaN.
     */
    public void scorePrompt(float[] logits, int rows, int from, int[] prompt) {
        int vocab = logits.length / rows;
        if (from == 0) promptLogprobs.add(new TokenLogprob(prompt[0], Float.NaN, tokenizer.sourcePieceBytes(prompt, 0), java.util.List.of()));
        for (int r = 0; r < rows && from + r + 1 < prompt.length; r++) {
            float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
            int position = from + r + 1;
            TokenLogprob scored = TokenLogprob.of(TokenLogprob.logSoftmax(row, 0f), prompt[position], params.logprobs(), id -> tokenizer.pieceBytes(id, false));
            // the prompt's own token spelled as its text has it (no tokenizer-added space)
            promptLogprobs.add(new TokenLogprob(scored.token(), scored.logprob(), tokenizer.sourcePieceBytes(prompt, position), scored.top()));
        }
    }

    /** Each prompt token's log-probability, the first's NaN: nothing predicts it (empty unless asked for). */
    public java.util.List<TokenLogprob> promptLogprobs() {
        return promptLogprobs;
    }

    /** Each generated token's log-probability (empty unless asked for). */
    public java.util.List<TokenLogprob> logprobs() {
        return logprobs;
    }

    public boolean finished() {
        return finishReason != null;
    }

    /** The token the next forward step feeds (the one just sampled). */
    public int lastToken() {
        if (generated == 0) throw new IllegalStateException("no token sampled yet");
        return history[promptLength + generated - 1];
    }

    /** Ends the sequence: text held back (a partial UTF-8 character, a possible stop-string start) goes out now. */
    public void flush(TokenListener listener) {
        String tail = stops.accept(utf8.flush()) + stops.flush();
        if (!tail.isEmpty()) {
            text.append(tail);
            listener.onToken(-1, tail);
        }
        if (finishReason == null) finishReason = FinishReason.LENGTH;
    }

    public int[] tokens() {
        return Arrays.copyOfRange(history, promptLength, promptLength + generated);
    }

    public int generated() {
        return generated;
    }

    public String text() {
        return text.toString();
    }

    public FinishReason finishReason() {
        return finishReason;
    }
}
