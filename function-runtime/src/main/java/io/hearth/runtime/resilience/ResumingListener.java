package io.hearth.runtime.resilience;

import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.sample.TokenLogprob;

import java.util.Arrays;

/**
 * Passes a model call's tokens to the client once, across retries. A retry on another replica regenerates the same
 * tokens (the same prompt, sampling seed and numerics), so the ones the client already has are checked and skipped
 * and the stream goes on where it broke off. Single-threaded: one attempt at a time feeds it.
 */
public final class ResumingListener implements TokenListener {
    private final TokenListener client;
    private int[] delivered = new int[64];
    private int deliveredCount;
    /** Tokens seen in the current attempt. */
    private int position;
    private int attempts;

    ResumingListener(TokenListener client) {
        this.client = client;
    }

    /** A new attempt starts from its first token; returns how many attempts came before it. */
    int newAttempt() {
        position = 0;
        return attempts++;
    }

    /** Whether the client has received tokens: only then would a different model's answer be a mixed stream. */
    boolean deliveredAny() {
        return deliveredCount > 0;
    }

    @Override
    public void onToken(int token, String text) {
        onToken(token, text, null);
    }

    @Override
    public void onToken(int token, String text, TokenLogprob logprob) {
        if (position < deliveredCount) {
            if (delivered[position] != token) {
                throw new IllegalStateException("a retried model call diverged at token " + position + " from what the client already received");
            }
            position++;
            return;
        }
        client.onToken(token, text, logprob);
        if (deliveredCount == delivered.length) delivered = Arrays.copyOf(delivered, deliveredCount * 2);
        delivered[deliveredCount++] = token;
        position++;
    }
}
