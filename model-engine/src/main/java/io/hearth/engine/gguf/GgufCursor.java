package io.hearth.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sequential little-endian reads over a mapped file with explicit bounds checks, so a truncated or corrupt
 * header ends in a {@link GgufFormatException} that names the offset, never in an index exception.
 */
final class GgufCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** Longest string we accept in metadata; real keys and tokens are far shorter, chat templates are a few KB. */
    private static final long MAX_STRING = 64L << 20;

    private final MemorySegment data;
    private final Path file;
    private long position;
    private String context = "header";

    GgufCursor(MemorySegment data, Path file) {
        this.data = data;
        this.file = file;
    }

    long position() {
        return position;
    }

    void context(String what) {
        this.context = what;
    }

    GgufFormatException error(String problem) {
        return new GgufFormatException(file, problem + " (at byte " + position + ", reading " + context + ")");
    }

    private long need(long bytes) {
        if (bytes < 0 || position + bytes > data.byteSize()) {
            throw error("file is truncated: needs " + bytes + " more bytes but only " + (data.byteSize() - position) + " remain");
        }
        long at = position;
        position += bytes;
        return at;
    }

    byte u8() {
        return data.get(ValueLayout.JAVA_BYTE, need(1));
    }

    short u16() {
        return data.get(SHORT, need(2));
    }

    int u32() {
        return data.get(INT, need(4));
    }

    long u64() {
        return data.get(LONG, need(8));
    }

    float f32() {
        return data.get(FLOAT, need(4));
    }

    double f64() {
        return data.get(DOUBLE, need(8));
    }

    /** A count stored as u64 that must be a non-negative number no larger than {@code max}. */
    long count(String what, long max) {
        long n = u64();
        if (n < 0 || n > max) throw error(what + " " + Long.toUnsignedString(n) + " is out of range (at most " + max + ")");
        return n;
    }

    String string() {
        long length = count("string length", MAX_STRING);
        long at = need(length);
        byte[] bytes = data.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
