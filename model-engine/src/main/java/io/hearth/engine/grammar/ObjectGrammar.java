package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An object schema's grammar: the declared properties in the schema's order, each required one always, each
 * optional one or not, commas only between those written; then, if {@code additionalProperties} allows them, more
 * properties with names of the model's choosing. Without {@code additionalProperties} the grammar writes only the
 * declared properties (a valid subset: the schema allows, but never requires, others).
 */
final class ObjectGrammar {
    private final JsonSchemaGrammar schemas;
    private final String path;
    private final List<String> names = new ArrayList<>();
    private final List<Expr> members = new ArrayList<>();
    private final List<Boolean> required = new ArrayList<>();
    private final Expr additional;
    private final String[][] tails;

    ObjectGrammar(JsonSchemaGrammar schemas, JsonNode schema, String path) {
        this.schemas = schemas;
        this.path = path;
        JsonNode properties = schema.get("properties");
        Set<String> requiredNames = requiredNames(schema);
        if (properties != null) {
            if (!properties.isObject()) throw new UnsupportedSchemaException("properties", path + ": properties must be an object");
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                JsonNode sub = p.getValue();
                boolean mustBe = requiredNames.remove(p.getKey());
                if (sub.isBoolean() && !sub.booleanValue()) {
                    if (mustBe) throw new UnsupportedSchemaException("required", path + ": " + p.getKey() + " is required but its schema is false");
                    continue;
                }
                names.add(p.getKey());
                required.add(mustBe);
                members.add(member(Expr.literal(schemas.quotedName(p.getKey())), schemas.value(sub, path + "/properties/" + p.getKey())));
            }
        }
        JsonNode more = schema.get("additionalProperties");
        boolean allowsMore = more != null && !(more.isBoolean() && !more.booleanValue());
        if (!requiredNames.isEmpty()) {
            if (!allowsMore) throw new UnsupportedSchemaException("required", path + ": required names " + requiredNames + " that are not among the properties");
            throw new UnsupportedSchemaException("required", path + ": required names " + requiredNames + " must be declared in properties to be generated");
        }
        if (allowsMore) {
            String extra = schemas.reserveRule("extra");
            schemas.defineRule(extra, member(schemas.anyString(), schemas.value(more, path + "/additionalProperties")));
            this.additional = new Expr.Ref(extra);
        } else {
            this.additional = null;
        }
        this.tails = new String[names.size() + 1][2];
    }

    private static Set<String> requiredNames(JsonNode schema) {
        Set<String> names = new HashSet<>();
        JsonNode required = schema.get("required");
        if (required == null) return names;
        if (!required.isArray()) throw new UnsupportedSchemaException("required", "required must be an array of names");
        for (JsonNode n : required) names.add(n.asText());
        return names;
    }

    /** {@code "name" ws ":" ws value ws}: whitespace after each member, so commas and the brace follow directly. */
    private static Expr member(Expr key, Expr value) {
        return Expr.seq(key, JsonText.WHITESPACE, Expr.literal(":"), JsonText.WHITESPACE, value, JsonText.WHITESPACE);
    }

    Expr expr() {
        return Expr.seq(Expr.literal("{"), JsonText.WHITESPACE, new Expr.Ref(tail(0, true)), Expr.literal("}"));
    }

    /** The rule for the members from the i-th declared one on; {@code first}: none written yet (no comma before). */
    private String tail(int i, boolean first) {
        int f = first ? 1 : 0;
        if (tails[i][f] != null) return tails[i][f];
        String name = schemas.reserveRule("members");
        tails[i][f] = name;
        Expr separator = first ? Expr.EMPTY : Expr.seq(Expr.literal(","), JsonText.WHITESPACE);
        Expr body;
        if (i == names.size()) {
            body = additional == null ? Expr.EMPTY
                    : Expr.alt(Expr.EMPTY, Expr.seq(separator, additional, new Expr.Repeat(Expr.seq(Expr.literal(","), JsonText.WHITESPACE, additional), 0, Expr.UNBOUNDED)));
        } else {
            Expr present = Expr.seq(separator, members.get(i), new Expr.Ref(tail(i + 1, false)));
            body = required.get(i) ? present : Expr.alt(present, new Expr.Ref(tail(i + 1, first)));
        }
        schemas.defineRule(name, body);
        return name;
    }
}
