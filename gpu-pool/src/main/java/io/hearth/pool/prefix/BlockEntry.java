package io.hearth.pool.prefix;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * How a KV block is stored in the shared tier: a format tag and a CRC32C of the content before the content. A block
 * that another process wrote half, or that rotted in memory, fails the check and reads as a miss rather than as KV
 * that would silently change the answer.
 */
final class BlockEntry {
    private static final int TAG = 0x484b5631; // "HKV1"
    private static final int HEADER = 8;

    private BlockEntry() {
    }

    static byte[] encode(byte[] content) {
        return ByteBuffer.allocate(HEADER + content.length).putInt(TAG).putInt(crc(content, 0, content.length)).put(content).array();
    }

    /** The content, or null if the entry is not one {@link #encode} wrote or its content is damaged. */
    static byte[] decode(byte[] entry) {
        if (entry == null || entry.length < HEADER) return null;
        ByteBuffer in = ByteBuffer.wrap(entry);
        if (in.getInt() != TAG) return null;
        int expected = in.getInt();
        if (crc(entry, HEADER, entry.length - HEADER) != expected) return null;
        byte[] content = new byte[entry.length - HEADER];
        in.get(content);
        return content;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
