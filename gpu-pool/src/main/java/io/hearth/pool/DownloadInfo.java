package io.hearth.pool;

/**
 * A model file's download as admin shows it.
 *
 * @param state      {@code pending} (not started), {@code downloading}, {@code verifying}, {@code done} (also: found in
 *                   the store at start) or {@code failed}
 * @param totalBytes the file's size, -1 until the server said
 * @param error      why it failed (null otherwise); the next load tries again, resuming what was received
 */
public record DownloadInfo(String url, String state, long bytes, long totalBytes, int percent, double seconds, String error) {
}
