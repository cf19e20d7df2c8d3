package io.hearth.engine.sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTextTest {
    @Test
    void charactersSplitAcrossTokensAreHeldUntilComplete() {
        Utf8Assembler utf8 = new Utf8Assembler();
        byte[] text = "a€😀b".getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (byte b : text) {
            String piece = utf8.accept(new byte[]{b});
            assertTrue(piece.chars().noneMatch(c -> c == 0xFFFD), "no replacement characters mid-stream");
            out.append(piece);
        }
        out.append(utf8.flush());
        assertEquals("a€😀b", out.toString());
    }

    @Test
    void incompleteTailIsReplacedAtTheEnd() {
        Utf8Assembler utf8 = new Utf8Assembler();
        assertEquals("x", utf8.accept(new byte[]{'x', (byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFD", utf8.flush());
    }

    @Test
    void stopStringsAreNeverPartlyEmitted() {
        StopMatcher stops = new StopMatcher(List.of("END", "\n\n"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("Hello E", "N", "ough. E", "ND and more")) {
            out.append(stops.accept(piece));
            if (stops.stopped()) break;
        }
        assertTrue(stops.stopped());
        assertEquals("Hello ENough. ", out.toString());
        assertEquals("", stops.flush());
    }

    @Test
    void heldTextIsReleasedWhenNoStopFollows() {
        StopMatcher stops = new StopMatcher(List.of("END"));
        assertEquals("ab", stops.accept("abEN"));
        assertEquals("EN", stops.flush());
    }
}
