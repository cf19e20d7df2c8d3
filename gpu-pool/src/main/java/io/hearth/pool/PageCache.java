package io.hearth.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The host tier of a model's weights on Linux: the kernel's page cache. A replica unloaded from its device leaves the
 * file's pages cached, so the next load is a memory copy rather than a disk read. {@link #residentFraction} tells
 * which tier a load starts from (mincore), {@link #drop} gives the pages back (posix_fadvise DONTNEED) when ops evict
 * a model or memory is wanted elsewhere. Where these calls do not exist, residency reads as unknown (-1).
 */
final class PageCache {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle MINCORE = find("mincore",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle OPEN = find("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle FADVISE = find("posix_fadvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = find("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MADVISE = find("madvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    /** Linux 5.14+: fault a range's pages into the page tables in the kernel, in one call. */
    private static final int MADV_POPULATE_READ = 22;
    private static final long PAGE = 4096;
    private static final int SAMPLES = 256, SAMPLE_PAGES = 16;
    private static final int POSIX_FADV_DONTNEED = 4;

    private PageCache() {
    }

    private static MethodHandle find(String name, FunctionDescriptor descriptor) {
        return LIBC.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor)).orElse(null);
    }

    /**
     * Share of the file's pages that are in memory, 0..1; -1 when the platform cannot tell. Measured on a fresh
     * mapping that touches nothing, so it must run before anything reads the file (opening a model samples its
     * weights for the digest, and the kernel's read-around would make a small file look resident).
     */
    static double residentFraction(Path file) {
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            return size == 0 ? -1 : residentFraction(channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena));
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Asks mincore about {@link #SAMPLES} windows of {@link #SAMPLE_PAGES} pages spread over the file rather than
     * every page: a whole 1.17 GB model is 286k page-cache lookups, 85 ms of a host-tier cold start, and the tier
     * decision needs only the share.
     */
    private static double residentFraction(MemorySegment mapped) {
        if (MINCORE == null || mapped.byteSize() == 0) return -1;
        long start = mapped.address() & -PAGE;
        long length = mapped.address() + mapped.byteSize() - start;
        long pages = (length + PAGE - 1) / PAGE;
        long windows = Math.min(SAMPLES, (pages + SAMPLE_PAGES - 1) / SAMPLE_PAGES);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(SAMPLE_PAGES);
            long asked = 0, resident = 0;
            for (long w = 0; w < windows; w++) {
                long first = pages * w / windows;
                long count = Math.min(SAMPLE_PAGES, pages - first);
                int rc = (int) MINCORE.invokeExact(MemorySegment.ofAddress(start + first * PAGE), count * PAGE, vector);
                if (rc != 0) return -1;
                for (long i = 0; i < count; i++) resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
                asked += count;
            }
            return (double) resident / asked;
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * Maps a mapped range's pages into this process (reading them from disk where they are not cached) in one
     * system call, instead of one page fault per 4 KiB page as touching them from Java does (286k faults for a
     * 1.17 GB model). Falls back to touching the pages where the kernel lacks the call.
     */
    static void populate(MemorySegment mapped) {
        if (MADVISE != null && mapped.byteSize() > 0) {
            long start = mapped.address() & -PAGE;
            long length = mapped.address() + mapped.byteSize() - start;
            try {
                if ((int) MADVISE.invokeExact(MemorySegment.ofAddress(start), length, MADV_POPULATE_READ) == 0) return;
            } catch (Throwable unavailable) {
                // touch the pages below
            }
        }
        mapped.load();
    }

    /** Asks the kernel to drop the file's cached pages (those not mapped by a live replica). False if it could not. */
    static boolean drop(Path file) {
        if (OPEN == null || FADVISE == null || CLOSE == null) return false;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toAbsolutePath().toString()), 0);
            if (fd < 0) return false;
            try {
                return (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED) == 0;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable e) {
            return false;
        }
    }
}
