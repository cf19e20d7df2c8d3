package io.hearth.engine.tools;

import io.hearth.engine.grammar.Grammar;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.grammar.ToolCallGrammar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The grammar a tool request decodes under: with {@code required} or a named function, the answer is calls; with
 * {@code auto}, it is free until the model writes its family's call marker and held to the call syntax from there
 * (or, beside a response format, either calls or an answer valid for that schema). Compiled grammars are cached by
 * everything they were built from.
 */
public final class ToolGrammars {
    private ToolGrammars() {
    }

    public static Grammar of(ToolCallFormat format, ToolUse use) {
        Map<String, com.fasterxml.jackson.databind.JsonNode> functions = new LinkedHashMap<>();
        for (ToolDefinition t : use.callable()) functions.put(t.name(), t.parameters());
        boolean lazy = use.choice() instanceof ToolChoice.Auto && use.answerSchema() == null;
        String key = "tools:" + format + ":" + use.parallel() + ":" + lazy + ":" + functions + ":" + (use.choice() instanceof ToolChoice.Auto ? use.answerSchema() : null);
        return Grammars.cached(key, () -> {
            Grammar calls = ToolCallGrammar.calls(format.syntax(), functions, use.parallel(),
                    use.choice() instanceof ToolChoice.Auto ? use.answerSchema() : null);
            return lazy ? calls.triggeredBy(format.syntax().trigger()) : calls;
        });
    }
}
