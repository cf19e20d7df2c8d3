package io.hearth.pool;

/**
 * Where a replica's weights came from when it started: {@code DISK} (read from the file), {@code HOST} (already in
 * host memory, the page cache, so the load was a copy), {@code NONE} (no load: a warm replica served the request).
 */
public enum WeightTier {
    DISK, HOST, NONE;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
