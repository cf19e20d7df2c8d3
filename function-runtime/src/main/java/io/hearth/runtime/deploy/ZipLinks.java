package io.hearth.runtime.deploy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds symbolic-link entries in a zip: a link is marked only in the central directory (a Unix "made by" and the file
 * type bits of the external attributes), which streaming readers never see. Hearth never unpacks archives, but a tool
 * that does would follow such an entry out of its directory, so archives that carry one are refused.
 */
final class ZipLinks {
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int UNIX = 3;
    private static final int FILE_TYPE = 0170000, SYMLINK = 0120000;

    private ZipLinks() {
    }

    /** The name of the first symbolic-link entry, or null when there is none (or no central directory to read). */
    static String firstLink(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
            if (b.getInt(i) == END_OF_CENTRAL_DIRECTORY) {
                end = i;
                break;
            }
        }
        if (end < 0) return null;
        int entries = Short.toUnsignedInt(b.getShort(end + 10));
        long at = Integer.toUnsignedLong(b.getInt(end + 16));
        for (int e = 0; e < entries && at + 46 <= zip.length; e++) {
            int p = (int) at;
            if (b.getInt(p) != CENTRAL_HEADER) return null;
            int madeBy = Short.toUnsignedInt(b.getShort(p + 4)) >>> 8;
            int nameLength = Short.toUnsignedInt(b.getShort(p + 28));
            int extraLength = Short.toUnsignedInt(b.getShort(p + 30));
            int commentLength = Short.toUnsignedInt(b.getShort(p + 32));
            int mode = b.getInt(p + 38) >>> 16;
            if (madeBy == UNIX && (mode & FILE_TYPE) == SYMLINK && p + 46 + nameLength <= zip.length) {
                return new String(zip, p + 46, nameLength, java.nio.charset.StandardCharsets.UTF_8);
            }
            at += 46L + nameLength + extraLength + commentLength;
        }
        return null;
    }
}
