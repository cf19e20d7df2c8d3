package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An array schema's grammar: the {@code prefixItems} in order, then {@code items} for the rest, between
 * {@code minItems} and {@code maxItems} elements in all ({@code items: false} ends the array after the prefix).
 */
final class ArrayGrammar {
    private final List<Expr> prefix = new ArrayList<>();
    /** The element after the prefix, or null when no more may follow. */
    private final Expr rest;
    private final int min;
    private final int max;

    ArrayGrammar(JsonSchemaGrammar schemas, JsonNode schema, String path) {
        JsonNode prefixItems = schema.get("prefixItems");
        if (prefixItems != null) {
            if (!prefixItems.isArray()) throw new UnsupportedSchemaException("prefixItems", path + ": prefixItems must be an array of schemas");
            for (int i = 0; i < prefixItems.size(); i++) prefix.add(element(schemas.value(prefixItems.get(i), path + "/prefixItems/" + i)));
        }
        JsonNode items = schema.get("items");
        if (items != null && items.isArray()) throw new UnsupportedSchemaException("items", path + ": items as an array is the old form; use prefixItems");
        boolean noMore = items != null && items.isBoolean() && !items.booleanValue();
        // the element is a rule of its own: it is written twice below (first, and after each comma), and nested
        // arrays would otherwise double the grammar at every level
        if (noMore) {
            this.rest = null;
        } else {
            String item = schemas.reserveRule("item");
            schemas.defineRule(item, element(schemas.value(items, path + "/items")));
            this.rest = new Expr.Ref(item);
        }
        Integer minItems = JsonSchemaGrammar.count(schema, "minItems", path), maxItems = JsonSchemaGrammar.count(schema, "maxItems", path);
        this.min = minItems == null ? 0 : minItems;
        int limit = rest == null ? prefix.size() : Expr.UNBOUNDED;
        this.max = maxItems == null ? limit : limit == Expr.UNBOUNDED ? maxItems : Math.min(maxItems, limit);
        if (max != Expr.UNBOUNDED && max < min) throw new UnsupportedSchemaException("minItems", path + ": minItems " + min + " cannot be met (at most " + max + " items)");
    }

    private static Expr element(Expr value) {
        return Expr.seq(value, JsonText.WHITESPACE);
    }

    Expr expr() {
        return Expr.seq(Expr.literal("["), JsonText.WHITESPACE, from(0), Expr.literal("]"));
    }

    /** The elements from index i on, each but the first after a comma. */
    private Expr from(int i) {
        Expr separator = i == 0 ? Expr.EMPTY : Expr.seq(Expr.literal(","), JsonText.WHITESPACE);
        if (i < prefix.size()) {
            if (max != Expr.UNBOUNDED && i >= max) return Expr.EMPTY;
            Expr next = Expr.seq(separator, prefix.get(i), from(i + 1));
            return i >= min ? Expr.optional(next) : next;
        }
        if (rest == null || (max != Expr.UNBOUNDED && i >= max)) return Expr.EMPTY;
        Expr later = Expr.seq(Expr.literal(","), JsonText.WHITESPACE, rest);
        List<Expr> parts = new ArrayList<>();
        int needed = Math.max(0, min - i);
        int first = i == 0 ? 1 : 0; // the first element has no comma before it
        if (needed == 0) {
            int more = max == Expr.UNBOUNDED ? Expr.UNBOUNDED : max - i;
            if (i == 0) return Expr.optional(Expr.seq(rest, new Expr.Repeat(later, 0, more == Expr.UNBOUNDED ? Expr.UNBOUNDED : more - 1)));
            return new Expr.Repeat(later, 0, more);
        }
        if (first == 1) {
            parts.add(rest);
            needed--;
        }
        parts.add(new Expr.Repeat(later, needed, max == Expr.UNBOUNDED ? Expr.UNBOUNDED : max - i - first));
        return Expr.seq(parts);
    }
}
