package io.hearth.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hearth.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A caller's JSON (tool schemas, call arguments) as values a template can read, with every string value and every
 * key that is not a plain word {@link Tokenizer#untrusted marked}: a template that writes them out (with
 * {@code tojson}) writes the marks too, so control-token text inside them stays text.
 */
final class CallerJson {
    private CallerJson() {
    }

    /**
     * A key as a template reads it: plain keys (schema keywords such as {@code properties}, property names such as
     * {@code city}) as they are, so templates can look them up; any other key marked, since it could spell markup.
     */
    private static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : Tokenizer.untrusted(key);
    }

    private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_$. -]{1,64}");

    static Object marked(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return Tokenizer.untrusted(node.textValue());
        if (node.isBoolean()) return node.booleanValue();
        if (node.isIntegralNumber()) return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        if (node.isNumber()) return node.doubleValue();
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : node) list.add(marked(item));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(key(e.getKey()), marked(e.getValue())));
        return map;
    }
}
