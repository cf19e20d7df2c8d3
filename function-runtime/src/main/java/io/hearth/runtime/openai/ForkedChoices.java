package io.hearth.runtime.openai;

import io.hearth.engine.generate.TokenListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a request's {@code n} choices so that the prompt is computed once: choice 0 runs first, and as soon as its
 * first token comes (its prompt's KV blocks are then in the replica's prefix cache, shared by reference) the others
 * start together, attach those blocks and compute only the prompt's last partial block, then share steps with it.
 */
final class ForkedChoices {
    /** One choice's call: its index and the listener that gets its tokens. */
    @FunctionalInterface
    interface Call<T> {
        T run(int index, TokenListener listener);
    }

    private ForkedChoices() {
    }

    /** The choices' results in index order; the first failure cancels the others and is thrown. */
    static <T> List<T> run(int n, Call<T> call, java.util.function.IntFunction<TokenListener> listeners) {
        if (n == 1) return List.of(call.run(0, listeners.apply(0)));
        CountDownLatch promptComputed = new CountDownLatch(1);
        List<Future<T>> forks = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 1; i < n; i++) {
                int index = i;
                forks.add(threads.submit(() -> {
                    promptComputed.await();
                    return call.run(index, listeners.apply(index));
                }));
            }
            List<T> results = new ArrayList<>(n);
            try {
                // a first choice that ends without a token (an immediate end of generation) still lets the others go
                results.add(call.run(0, listeners.apply(0).peeking(promptComputed::countDown)));
                promptComputed.countDown();
            } catch (RuntimeException failed) {
                forks.forEach(f -> f.cancel(true)); // before the executor's close would wait for them
                throw failed;
            }
            results.addAll(Futures.awaitAll(forks));
            return results;
        }
    }
}
