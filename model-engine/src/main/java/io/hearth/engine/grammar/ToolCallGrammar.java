package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grammar of an answer that calls tools: one call (or, with {@code parallel}, up to {@link #MAX_PARALLEL_CALLS}) in the model family's
 * syntax, each naming one of the functions and carrying arguments valid for that function's parameter schema.
 */
public final class ToolCallGrammar {
    /** Calls in one answer at most: a model that keeps calling (a random-weights one does) still ends. */
    public static final int MAX_PARALLEL_CALLS = 8;

    private static final JsonNode NO_PARAMETERS = JsonNodeFactory.instance.objectNode().put("type", "object")
            .set("properties", JsonNodeFactory.instance.objectNode());

    private ToolCallGrammar() {
    }

    /**
     * @param functions name → parameters schema (null: none), in the order offered
     * @param answer    a schema the answer may follow instead of calling (a response format beside {@code auto}); null: the
     *                  answer must be calls
     */
    public static Grammar calls(ToolCallSyntax syntax, Map<String, JsonNode> functions, boolean parallel, JsonNode answer) {
        GrammarBuilder rules = new GrammarBuilder();
        Expr ws = JsonText.WHITESPACE;
        List<Expr> calls = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, JsonNode> f : functions.entrySet()) {
            JsonNode parameters = f.getValue() == null ? NO_PARAMETERS : f.getValue();
            JsonSchemaGrammar schema = new JsonSchemaGrammar(rules, parameters, "t" + (n++) + "-");
            Expr arguments;
            try {
                arguments = schema.document();
            } catch (UnsupportedSchemaException e) {
                throw new UnsupportedSchemaException(e.keyword(), "tool " + f.getKey() + ": " + e.getMessage());
            }
            calls.add(Expr.seq(Expr.literal(syntax.callOpen()), ws, Expr.literal("{"), ws, Expr.literal("\"name\""), ws, Expr.literal(":"), ws,
                    Expr.literal(schema.quotedName(f.getKey())), ws, Expr.literal(","), ws, Expr.literal(schema.quotedName(syntax.argumentsKey())), ws,
                    Expr.literal(":"), ws, arguments, ws, Expr.literal("}"), ws, Expr.literal(syntax.callClose())));
        }
        rules.define("call", Expr.alt(calls));
        // between calls: the separator with whitespace around it, or (Hermes) whitespace alone, bounded once
        Expr between = syntax.separator() == null || syntax.separator().isEmpty() ? ws : Expr.seq(ws, Expr.literal(syntax.separator()), ws);
        Expr more = parallel && syntax.separator() != null
                ? new Expr.Repeat(Expr.seq(between, new Expr.Ref("call")), 0, MAX_PARALLEL_CALLS - 1)
                : Expr.EMPTY;
        Expr all = Expr.seq(Expr.literal(syntax.prefix()), ws, new Expr.Ref("call"), more, Expr.literal(syntax.suffix()));
        if (answer != null) {
            JsonSchemaGrammar answerSchema = new JsonSchemaGrammar(rules, answer, "a-");
            all = Expr.alt(all, answerSchema.document());
        }
        rules.define("root", all);
        return JsonSchemaGrammar.build(rules, "root", "tool calls");
    }
}
