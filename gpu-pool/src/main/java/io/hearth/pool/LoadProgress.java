package io.hearth.pool;

/** Told how far a replica's load has come, for a caller waiting on a cold start (SSE "loading" events). */
@FunctionalInterface
public interface LoadProgress {
    void loading(int percent);

    LoadProgress NONE = percent -> {
    };
}
