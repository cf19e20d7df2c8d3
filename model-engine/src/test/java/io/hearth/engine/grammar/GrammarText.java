package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;

/** Test helpers: whether a grammar accepts a whole text, byte by byte. */
final class GrammarText {
    static final ObjectMapper JSON = new ObjectMapper();

    private GrammarText() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Grammar schema(String schema) {
        return JsonSchemaGrammar.compile(json(schema));
    }

    /** The state after the text, or null where the grammar rejects a byte of it. */
    static GrammarState after(Grammar grammar, String text) {
        GrammarState s = GrammarState.start(grammar);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = s.advance(b & 0xFF);
            if (s == null) return null;
        }
        return s;
    }

    static boolean accepts(Grammar grammar, String text) {
        GrammarState s = after(grammar, text);
        return s != null && s.canEnd;
    }
}
