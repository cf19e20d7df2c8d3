package io.hearth.pool;

import io.hearth.engine.model.Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A model's weights kept in host memory after its last replica unloaded: the mapping itself, its pages populated,
 * not only the page cache under it. A restart from here skips mapping the file, checking residency and faulting
 * 286k page-table entries in (for a 1.17 GB model: about 250 ms of a 430 ms host-tier cold start on our machine),
 * and starts with a new KV cache alone. The kernel may still reclaim the clean file pages under memory pressure;
 * they fault back in from the disk. The mapping is given up when ops evict the model, when the file changed since
 * (a new file at the path is a new model), or when another replica's mapping is already kept.
 */
final class HostTier implements AutoCloseable {
    /** What identifies the file's content at a path: inode (where the platform has one), size and modification time. */
    private record FileIdentity(Object key, long size, long modified) {
        static FileIdentity of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileIdentity(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
            } catch (IOException gone) {
                return null;
            }
        }
    }

    private Model kept;
    private Path source;
    private FileIdentity identity;

    /** Keeps an unloaded replica's model, or closes it if one is kept already. */
    synchronized void keep(Path file, Model model) {
        FileIdentity now = FileIdentity.of(file);
        if (kept != null || now == null) {
            model.close();
            return;
        }
        kept = model;
        source = file;
        identity = now;
    }

    /** The kept model for this file if it is still the same file, else null (and a stale one is closed). */
    synchronized Model take(Path file) {
        Model model = kept;
        kept = null;
        if (model == null) return null;
        if (file.equals(source) && identity.equals(FileIdentity.of(file))) return model;
        model.close();
        return null;
    }

    synchronized boolean holds() {
        return kept != null;
    }

    /** Unmaps a kept model, so that its pages can be dropped. */
    @Override
    public synchronized void close() {
        if (kept != null) kept.close();
        kept = null;
    }
}
