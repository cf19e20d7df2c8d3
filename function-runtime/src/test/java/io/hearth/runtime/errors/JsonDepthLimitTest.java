package io.hearth.runtime.errors;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Nesting is counted by brackets outside strings. */
class JsonDepthLimitTest {
    private static int depth(String json) {
        return JsonDepthLimit.depth(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bracketsInsideStringsDoNotCount() {
        assertEquals(0, depth("\"plain\""));
        assertEquals(1, depth("{\"text\": \"[[[{{{ not nesting \\\" still a string ]]]\"}"));
        assertEquals(3, depth("{\"a\": [1, {\"b\": 2}], \"c\": []}"));
        assertEquals(10_000, depth("[".repeat(10_000) + "]".repeat(10_000)));
    }
}
