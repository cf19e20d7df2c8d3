package io.hearth.engine.sample;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns the byte pieces of tokens into text as it streams: a character split across tokens (byte-fallback tokens,
 * byte-level BPE) is held back until its last byte arrives, so no caller ever sees half a character.
 */
public final class Utf8Assembler {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds bytes and returns the text of every character now complete. */
    public String accept(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is left at the end, with invalid sequences replaced. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Length of the longest prefix that does not end inside a (possibly valid) multi-byte sequence. */
    private static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) continue; // continuation byte, keep looking for the lead
            int expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return expected > back ? n - back : n;
        }
        return n;
    }
}
