package io.hearth.runtime.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the calls of one request run side by side (choices, embedding inputs). */
final class Futures {
    private Futures() {
    }

    /**
     * The results of {@code futures} in order. The first failure is thrown as the call threw it; whatever still waits
     * or runs is cancelled when this returns or throws, before an executor's close would wait for it.
     */
    static <T> List<T> awaitAll(List<Future<T>> futures) {
        try {
            List<T> results = new ArrayList<>(futures.size());
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the request's calls");
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }
}
