package io.hearth.pool;

import java.net.URI;
import java.util.Locale;

/** Where a model's file comes from when it is not on this machine yet: an http(s) URL and the file's SHA-256. */
public record ModelDownload(URI url, String sha256) {
    public ModelDownload {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IllegalArgumentException("a model URL must be http or https: " + url);
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("a model downloaded from a URL needs its sha256: 64 hex digits");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }
}
