package io.hearth.runtime.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.runtime.files.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where a server keeps its API keys (hashes, never secrets) and their token use across restarts: one JSON file,
 * readable only by the server's user, replaced whole ({@link AtomicFiles}).
 */
final class KeyFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The file's contents: the keys, tokens used per key and UTC day ({@code id/2026-11-22}), and the ids of revoked
     * keys, which are never taken back (from the cluster, or a replayed record).
     */
    record Contents(List<ApiKey> keys, Map<String, Long> usage, List<String> revoked) {
        static final Contents EMPTY = new Contents(List.of(), Map.of(), List.of());
    }

    private final Path file;

    KeyFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    Contents read() {
        if (!Files.exists(file)) return Contents.EMPTY;
        try {
            Contents c = JSON.readValue(file.toFile(), Contents.class);
            return new Contents(c.keys() != null ? c.keys() : List.of(), c.usage() != null ? c.usage() : Map.of(),
                    c.revoked() != null ? c.revoked() : List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("the API key file " + file + " cannot be read (" + e.getMessage() + "); fix or remove it", e);
        }
    }

    synchronized void write(Collection<ApiKey> keys, Map<String, Long> usage, Collection<String> revoked) {
        try {
            AtomicFiles.writeOwnerOnly(file, JSON.writeValueAsBytes(new Contents(List.copyOf(keys), Map.copyOf(usage), List.copyOf(revoked))));
        } catch (IOException e) {
            throw new UncheckedIOException("the API key file " + file + " cannot be written: " + e.getMessage(), e);
        }
    }
}
