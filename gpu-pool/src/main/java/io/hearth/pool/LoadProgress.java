package io.hearth.pool;

/** Told how far a replica's load has come, for a caller waiting on a cold start (SSE "loading" events). */
@FunctionalInterface
public interface LoadProgress {
    void loading(int percent);

    /** How much of the model's file has been downloaded, before its load starts (models fetched from a URL). */
    default void downloading(int percent) {
    }

    LoadProgress NONE = percent -> {
    };
}
