package io.hearth.engine.grammar;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.hearth.engine.grammar.GrammarText.accepts;
import static io.hearth.engine.grammar.GrammarText.after;
import static io.hearth.engine.grammar.GrammarText.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile schema or pattern can make of the grammar engine: nothing that takes exponential time or unbounded
 * memory, and a grammar past its bounds fails with {@link GrammarLimitException} (the request's 400), not a hang.
 * The time limits only guard against hangs; the work itself takes milliseconds.
 */
class GrammarLimitsTest {
    private static final Duration HANG = Duration.ofSeconds(20);

    @Test
    void emptyChoicesInARowExpandOnce() {
        String pattern = "^" + "(|)".repeat(40) + "(a?|b?)".repeat(40) + "x$";
        assertTimeoutPreemptively(HANG, () -> {
            Grammar g = schema("{\"type\":\"string\",\"pattern\":\"" + pattern + "\"}");
            assertTrue(accepts(g, "\"abx\""));
            assertFalse(accepts(g, "\"xx\""));
        });
    }

    @Test
    void nestedArraysCompileInLinearSize() {
        String nested = "{\"type\":\"integer\"}";
        for (int i = 0; i < 40; i++) nested = "{\"type\":\"array\",\"items\":" + nested + "}";
        String schema = nested;
        assertTimeoutPreemptively(HANG, () -> assertTrue(accepts(schema(schema), "[".repeat(40) + "1" + "]".repeat(40))));
    }

    @Test
    void overlappingChoicesThatMultiplyParsesAreStoppedAtTheBound() {
        Grammar g = schema("{\"anyOf\":[{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}},{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}},{\"type\":\"null\"}]}");
        assertTimeoutPreemptively(HANG, () -> assertThrows(GrammarLimitException.class, () -> after(g, "[".repeat(20))));
        assertTrue(accepts(g, "[[null]]"), "shallow answers of that schema are fine");
    }

    @Test
    void grammarsPastTheElementBoundAreRefused() {
        StringBuilder properties = new StringBuilder();
        for (int i = 0; i < 600; i++) properties.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"type\":\"string\",\"minLength\":4000}");
        assertThrows(GrammarLimitException.class, () -> schema("{\"type\":\"object\",\"properties\":{" + properties + "}}"));
    }

    @Test
    void thousandsOfOptionalPropertiesCompile() {
        StringBuilder properties = new StringBuilder();
        for (int i = 0; i < 3000; i++) properties.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{\"type\":\"boolean\"}");
        assertTimeoutPreemptively(HANG, () -> assertTrue(accepts(schema("{\"type\":\"object\",\"properties\":{" + properties + "}}"), "{\"p2999\":true}")));
    }

    @Test
    void exclusiveBoundsAtTheEdgeOfLongAreRefusedNotWrapped() {
        assertEquals("exclusiveMaximum", assertThrows(UnsupportedSchemaException.class,
                () -> schema("{\"type\":\"integer\",\"exclusiveMaximum\":" + Long.MIN_VALUE + "}")).keyword());
    }

    /** Qwen2's byte-level BPE has tokens such as {@code "}}: one token completes the trigger and goes on past it. */
    @Test
    void aTriggerFollowedByWhatTheGrammarRefusesIsNotACall() throws Exception {
        Grammar call = schema("{\"type\":\"object\",\"properties\":{\"name\":{\"const\":\"f\"}},\"required\":[\"name\"]}").triggeredBy("{\"name\"");
        io.hearth.engine.tokenizer.Tokenizer tokenizer;
        try (io.hearth.engine.gguf.GgufFile file = io.hearth.engine.gguf.GgufFile.open(io.hearth.engine.Conformance.model("tiny-qwen2-f32.gguf"))) {
            tokenizer = io.hearth.engine.tokenizer.Tokenizer.from(file);
        }
        GrammarMatcher matcher = new GrammarMatcher(call, tokenizer);
        int[] ordinary = tokenizer.encode("x {\"name\"} and more", false, false);
        for (int token : ordinary) assertTrue(matcher.accept(token), "free text goes on");
        assertFalse(matcher.active(), "a trigger whose token goes on with what the grammar refuses did not start it: " + java.util.Arrays.toString(ordinary));
        for (int token : tokenizer.encode(" {\"name\":\"f", false, false)) assertTrue(matcher.accept(token));
        assertTrue(matcher.active(), "a later trigger with a valid continuation does");
    }
}
