package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema → grammar of the JSON texts valid for it. Every output the grammar allows validates against the
 * schema; where the schema allows more than the grammar writes, the grammar keeps to a valid subset and says so in
 * docs/structured-outputs.md (properties come in the schema's order; an object without {@code additionalProperties}
 * gets no properties beyond those declared; numbers with bounds are written as integers). A keyword that would
 * constrain the answer but is not supported is refused with {@link UnsupportedSchemaException} naming it, never
 * ignored.
 */
public final class JsonSchemaGrammar {
    /** Largest count (length, items, repetition) a schema may ask for: each unit is a grammar rule. */
    public static final int MAX_COUNT = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keywords that only describe, so they change nothing in the answer. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description", "default",
            "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "$anchor");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties", "items",
            "prefixItems", "minItems", "maxItems", "enum", "const", "anyOf", "oneOf", "$ref", "minLength", "maxLength",
            "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final Map<String, String> FORMATS = Map.of(
            "date", Formats.DATE,
            "time", Formats.TIME,
            "date-time", Formats.DATE + "T" + Formats.TIME,
            "uuid", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "email", Formats.EMAIL);

    private final GrammarBuilder rules;
    private final JsonNode root;
    /** Starts the names of this schema's rules, so several schemas (a request's tools) share one grammar. */
    private final String prefix;
    private final Map<String, String> refRules = new HashMap<>();
    private int counter;

    /** A compiler for the schema document {@code root}, writing its rules into {@code rules}. */
    JsonSchemaGrammar(GrammarBuilder rules, JsonNode root, String prefix) {
        this.rules = rules;
        this.root = root;
        this.prefix = prefix;
    }

    /**
     * The grammar of JSON texts valid for {@code schema}. The answer starts with the value itself (no leading
     * whitespace: tokens spent on nothing) and ends with it.
     */
    public static Grammar compile(JsonNode schema) {
        JsonSchemaGrammar c = new JsonSchemaGrammar(new GrammarBuilder(), schema, "");
        c.rules.define("root", c.value(schema, "#"));
        return build(c.rules, "root", "JSON Schema");
    }

    /** Builds the rules; a loop the builder refuses can only come from a {@code $ref} cycle here, so it names that keyword. */
    static Grammar build(GrammarBuilder rules, String root, String description) {
        try {
            return rules.build(root, description);
        } catch (UnsupportedSchemaException | GrammarLimitException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UnsupportedSchemaException("$ref", "a $ref refers back to its own schema before any text is written: " + e.getMessage());
        }
    }

    /** A value valid for the whole document this compiler was made for. */
    Expr document() {
        return value(root, "#");
    }

    /** Any JSON object ({@code response_format: json_object}). */
    public static Grammar anyObject() {
        return compile(JSON.createObjectNode().put("type", "object").set("additionalProperties", JSON.getNodeFactory().booleanNode(true)));
    }

    /** The expression for a value valid for {@code schema}; {@code path} locates it in messages. */
    Expr value(JsonNode schema, String path) {
        if (schema == null || schema.isBoolean()) {
            if (schema != null && !schema.booleanValue()) throw new UnsupportedSchemaException("false", path + ": the schema false allows no value");
            return anyValue();
        }
        if (!schema.isObject()) throw new UnsupportedSchemaException("type", path + ": a schema must be an object or a boolean");
        refuseUnknownKeywords(schema, path);
        if (schema.has("$ref")) return reference(schema, path);
        if (schema.has("const")) return only(schema, path, "const", literal(typed(schema, schema.get("const"), "const", path)));
        if (schema.has("enum")) return only(schema, path, "enum", enumeration(schema, path));
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (schema.has(combinator)) return only(schema, path, combinator, choices(schema.get(combinator), path + "/" + combinator));
        }
        List<Expr> choices = new ArrayList<>();
        for (String type : types(schema, path)) choices.add(ofType(type, schema, path));
        return Expr.alt(choices);
    }

    private void refuseUnknownKeywords(JsonNode schema, String path) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!SUPPORTED.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw new UnsupportedSchemaException(keyword, path + ": the keyword " + keyword + " is not supported for generation (see docs/structured-outputs.md)");
            }
        }
    }

    /** A combinator or {@code $ref} may stand only with annotations: other keywords beside it would be dropped. */
    private static Expr only(JsonNode schema, String path, String keyword, Expr expr) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String other = it.next();
            if (!other.equals(keyword) && !ANNOTATIONS.contains(other) && !(other.equals("type") && (keyword.equals("enum") || keyword.equals("const")))) {
                throw new UnsupportedSchemaException(other, path + ": " + other + " beside " + keyword + " is not supported; move it into each choice");
            }
        }
        return expr;
    }

    private Set<String> types(JsonNode schema, String path) {
        JsonNode type = schema.get("type");
        Set<String> types = new LinkedHashSet<>();
        if (type == null) {
            // no type: keep to what the other keywords describe (an answer of that type is valid), else any value
            if (schema.has("properties") || schema.has("required") || schema.has("additionalProperties")) types.add("object");
            else if (schema.has("items") || schema.has("prefixItems") || schema.has("minItems") || schema.has("maxItems")) types.add("array");
            else if (schema.has("pattern") || schema.has("format") || schema.has("minLength") || schema.has("maxLength")) types.add("string");
            else if (schema.has("minimum") || schema.has("maximum") || schema.has("exclusiveMinimum") || schema.has("exclusiveMaximum")) types.add("number");
            else types.add("any");
        } else if (type.isTextual()) {
            types.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            for (JsonNode t : type) {
                if (!t.isTextual()) throw new UnsupportedSchemaException("type", path + ": type must be a string or a list of strings");
                types.add(t.textValue());
            }
        } else {
            throw new UnsupportedSchemaException("type", path + ": type must be a string or a non-empty list of strings");
        }
        return types;
    }

    private Expr ofType(String type, JsonNode schema, String path) {
        return switch (type) {
            case "object" -> new ObjectGrammar(this, schema, path).expr();
            case "array" -> new ArrayGrammar(this, schema, path).expr();
            case "string" -> string(schema, path);
            case "integer" -> IntegerRanges.of(bound(schema, path, "minimum", "exclusiveMinimum", true),
                    bound(schema, path, "maximum", "exclusiveMaximum", false));
            case "number" -> number(schema, path);
            case "boolean" -> Expr.alt(Expr.literal("true"), Expr.literal("false"));
            case "null" -> Expr.literal("null");
            case "any" -> anyValue();
            default -> throw new UnsupportedSchemaException("type", path + ": unknown type " + type);
        };
    }

    private Expr number(JsonNode schema, String path) {
        Long min = bound(schema, path, "minimum", "exclusiveMinimum", true);
        Long max = bound(schema, path, "maximum", "exclusiveMaximum", false);
        return min == null && max == null ? JsonText.NUMBER : IntegerRanges.of(min, max);
    }

    /** An integer bound, inclusive; exclusive bounds move by one. Bounds that are not integers are refused. */
    private static Long bound(JsonNode schema, String path, String inclusive, String exclusive, boolean lower) {
        JsonNode in = schema.get(inclusive), ex = schema.get(exclusive);
        if (in != null && ex != null) throw new UnsupportedSchemaException(exclusive, path + ": give " + inclusive + " or " + exclusive + ", not both");
        JsonNode bound = in != null ? in : ex;
        if (bound == null) return null;
        String keyword = in != null ? inclusive : exclusive;
        if (!bound.isNumber() || !bound.canConvertToExactIntegral() || !bound.canConvertToLong()) {
            throw new UnsupportedSchemaException(keyword, path + ": " + keyword + " must be an integer here (bounds that are not integers are not supported)");
        }
        long v = bound.longValue();
        try {
            return ex == null ? v : lower ? Math.addExact(v, 1) : Math.subtractExact(v, 1);
        } catch (ArithmeticException e) {
            throw new UnsupportedSchemaException(keyword, path + ": " + keyword + " " + v + " leaves no integer");
        }
    }

    private Expr string(JsonNode schema, String path) {
        Integer minLength = count(schema, "minLength", path), maxLength = count(schema, "maxLength", path);
        if (schema.has("pattern") || schema.has("format")) {
            String kind = schema.has("pattern") ? "pattern" : "format";
            if (schema.has("pattern") && schema.has("format")) throw new UnsupportedSchemaException("format", path + ": pattern and format together are not supported");
            if (minLength != null || maxLength != null) {
                throw new UnsupportedSchemaException(minLength != null ? "minLength" : "maxLength", path + ": minLength/maxLength beside " + kind + " are not supported; write the length into the pattern");
            }
            String regex;
            if (kind.equals("pattern")) {
                if (!schema.get("pattern").isTextual()) throw new UnsupportedSchemaException("pattern", path + ": pattern must be a string");
                regex = schema.get("pattern").textValue();
            } else {
                String format = schema.get("format").asText();
                regex = FORMATS.get(format);
                if (regex == null) throw new UnsupportedSchemaException("format", path + ": format " + format + " is not supported (supported: " + new java.util.TreeSet<>(FORMATS.keySet()) + ")");
                regex = "^" + regex + "$";
            }
            return Expr.seq(Expr.literal("\""), PatternGrammar.compile(regex), Expr.literal("\""));
        }
        int min = minLength == null ? 0 : minLength;
        int max = maxLength == null ? Expr.UNBOUNDED : maxLength;
        if (max != Expr.UNBOUNDED && max < min) throw new UnsupportedSchemaException("maxLength", path + ": maxLength is below minLength");
        return Expr.seq(Expr.literal("\""), new Expr.Repeat(new Expr.Ref(stringChar()), min, max), Expr.literal("\""));
    }

    private String stringChar() {
        if (!rules.isDefined("char")) rules.define("char", JsonText.STRING_CHAR);
        return "char";
    }

    /** A non-negative count keyword (minLength, maxItems, ...), or null when absent. */
    static Integer count(JsonNode schema, String keyword, String path) {
        JsonNode n = schema.get(keyword);
        if (n == null) return null;
        if (!n.canConvertToExactIntegral() || n.asLong() < 0 || n.asLong() > MAX_COUNT) {
            throw new UnsupportedSchemaException(keyword, path + ": " + keyword + " must be an integer from 0 to " + MAX_COUNT);
        }
        return n.asInt();
    }

    private Expr enumeration(JsonNode schema, String path) {
        JsonNode values = schema.get("enum");
        if (!values.isArray() || values.isEmpty()) throw new UnsupportedSchemaException("enum", path + ": enum must be a non-empty array");
        List<Expr> choices = new ArrayList<>();
        for (JsonNode v : values) choices.add(literal(typed(schema, v, "enum", path)));
        return Expr.alt(choices);
    }

    /** An enum or const value, refused when a {@code type} beside it says no answer could have it. */
    private JsonNode typed(JsonNode schema, JsonNode value, String keyword, String path) {
        if (!schema.has("type")) return value;
        Set<String> types = types(schema, path);
        boolean fits = types.contains(switch (value.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case OBJECT -> "object";
            case ARRAY -> "array";
            default -> value.canConvertToExactIntegral() && types.contains("integer") ? "integer" : "number";
        });
        if (!fits) throw new UnsupportedSchemaException(keyword, path + ": the " + keyword + " value " + value + " is not of the type " + types);
        return value;
    }

    private Expr choices(JsonNode list, String path) {
        if (!list.isArray() || list.isEmpty()) throw new UnsupportedSchemaException("anyOf", path + ": must be a non-empty array of schemas");
        List<Expr> choices = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) choices.add(value(list.get(i), path + "/" + i));
        return Expr.alt(choices);
    }

    private Expr reference(JsonNode schema, String path) {
        String ref = schema.get("$ref").asText();
        only(schema, path, "$ref", Expr.EMPTY);
        if (!ref.equals("#") && !ref.startsWith("#/")) throw new UnsupportedSchemaException("$ref", path + ": only references inside the schema (#/...) are supported, not " + ref);
        String rule = refRules.get(ref);
        if (rule == null) {
            JsonNode target = ref.equals("#") ? root : root.at(ref.substring(1));
            if (target.isMissingNode()) throw new UnsupportedSchemaException("$ref", path + ": " + ref + " points at nothing");
            rule = prefix + "ref" + (counter++);
            refRules.put(ref, rule);
            rules.define(rule, value(target, ref));
        }
        return new Expr.Ref(rule);
    }

    /** The value written as JSON, exactly (enum and const). */
    private static Expr literal(JsonNode value) {
        try {
            return Expr.literal(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String quotedName(String name) {
        try {
            return JSON.writeValueAsString(name);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String reserveRule(String hint) {
        return prefix + hint + (counter++);
    }

    void defineRule(String name, Expr body) {
        rules.define(name, body);
    }

    /** Any JSON string. */
    Expr anyString() {
        if (!rules.isDefined("any-string")) {
            rules.define("any-string", Expr.seq(Expr.literal("\""), new Expr.Repeat(new Expr.Ref(stringChar()), 0, Expr.UNBOUNDED), Expr.literal("\"")));
        }
        return new Expr.Ref("any-string");
    }

    /** Any JSON value: the rules are written once and shared. */
    Expr anyValue() {
        if (!rules.isDefined("any")) {
            Expr ws = JsonText.WHITESPACE;
            Expr member = Expr.seq(anyString(), ws, Expr.literal(":"), ws, new Expr.Ref("any"), ws);
            rules.define("any-object", Expr.seq(Expr.literal("{"), ws,
                    Expr.optional(Expr.seq(member, new Expr.Repeat(Expr.seq(Expr.literal(","), ws, member), 0, Expr.UNBOUNDED))), Expr.literal("}")));
            Expr element = Expr.seq(new Expr.Ref("any"), ws);
            rules.define("any-array", Expr.seq(Expr.literal("["), ws,
                    Expr.optional(Expr.seq(element, new Expr.Repeat(Expr.seq(Expr.literal(","), ws, element), 0, Expr.UNBOUNDED))), Expr.literal("]")));
            rules.define("any", Expr.alt(new Expr.Ref("any-object"), new Expr.Ref("any-array"), anyString(),
                    JsonText.NUMBER, Expr.literal("true"), Expr.literal("false"), Expr.literal("null")));
        }
        return new Expr.Ref("any");
    }
}
