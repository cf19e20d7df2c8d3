package io.hearth.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files replaced whole: the bytes go to a synced temporary file beside the target ({@code <name>.tmp}), which is then
 * renamed over it, so a crash or a full disk leaves the previous contents, never half of new ones, and no temporary
 * file behind.
 */
public final class AtomicFiles {
    private static final Set<StandardOpenOption> WRITE = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        replace(target, bytes);
    }

    /** As {@link #write}, readable only by the server's user (the temporary file is made fresh, with that mode). */
    public static void writeOwnerOnly(Path target, byte[] bytes) throws IOException {
        Files.deleteIfExists(temporaryOf(target));
        replace(target, bytes, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static void replace(Path target, byte[] bytes, FileAttribute<?>... attributes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path temporary = temporaryOf(target);
        try {
            try (FileChannel channel = FileChannel.open(temporary, WRITE, attributes)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Path temporaryOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }
}
