package io.hearth.runtime.openai;

import io.hearth.engine.generate.TokenListener;
import io.hearth.pool.Embedding;
import io.hearth.pool.ModelRequest;
import io.hearth.runtime.errors.ErrorMapper;
import io.hearth.runtime.functions.RuntimeMetrics;
import io.hearth.runtime.keys.TokenBudget;
import io.hearth.runtime.resilience.GuardedModelCalls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Embeds a request's inputs on one model: each input's tokens reserved from the caller's quota before any runs (a
 * batch the quota cannot hold is refused whole, before work is done), then up to {@link #IN_FLIGHT} inputs at a time,
 * so they share the replica's steps without flooding its queue; counted in the metrics as one model call.
 */
@ApplicationScoped
public class EmbeddingCalls {
    /** Inputs of one request in the replica's queue at once: a batch's worth, below the default queue limit. */
    static final int IN_FLIGHT = 8;

    @Inject
    GuardedModelCalls calls;
    @Inject
    RuntimeMetrics metrics;

    /** The inputs' embeddings, in order; the first failure fails the request, and what it had reserved is released. */
    List<Embedding> embedAll(String model, List<ModelRequest> inputs, TokenBudget budget) {
        long start = System.nanoTime();
        TokenBudget.Reservations holds = budget.reserveAll(inputs);
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<Future<Embedding>> running = new ArrayList<>();
        // closing the reservations releases those whose input never ran; the others are settled already
        try (holds; ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < inputs.size(); i++) {
                ModelRequest input = inputs.get(i);
                TokenBudget.Hold hold = holds.get(i);
                running.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return TokenBudget.charged(hold, input, listener -> calls.embed(model, input), TokenListener.NONE, Embedding::promptTokens);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Embedding> done;
            try {
                done = Futures.awaitAll(running); // a failure fails the request: the other inputs stop
            } catch (RuntimeException failed) {
                metrics.failed("model:" + model, RuntimeMetrics.OPENAI, ErrorMapper.classify(failed).status());
                throw failed;
            }
            int tokens = done.stream().mapToInt(Embedding::promptTokens).sum();
            double queued = done.stream().mapToLong(Embedding::queuedNanos).max().orElse(0) / 1e6;
            metrics.modelEmbedded(model, tokens, (System.nanoTime() - start) / 1e6, queued);
            return done;
        }
    }
}
