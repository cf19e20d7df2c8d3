package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled grammars by schema hash, so a schema sent with every request (or a function's, compiled at deploy) is
 * compiled once, and its mask cache lives as long as the grammar does. Least recently used grammars go first.
 */
public final class Grammars {
    private static final int MAX_GRAMMARS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Grammar> BY_HASH = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Grammar> eldest) {
            return size() > MAX_GRAMMARS;
        }
    };

    private Grammars() {
    }

    /** The grammar for a JSON Schema; refuses what it cannot honour with {@link UnsupportedSchemaException}. */
    public static Grammar jsonSchema(JsonNode schema) {
        return cached("schema:" + text(schema), () -> JsonSchemaGrammar.compile(schema));
    }

    /** Any JSON object. */
    public static Grammar jsonObject() {
        return cached("json_object", JsonSchemaGrammar::anyObject);
    }

    /** A grammar built elsewhere (tool calls), cached under a key that names everything it was built from. */
    public static Grammar cached(String key, java.util.function.Supplier<Grammar> compile) {
        String hash = sha256(key);
        synchronized (BY_HASH) {
            Grammar known = BY_HASH.get(hash);
            if (known != null) return known;
        }
        Grammar compiled;
        try {
            compiled = compile.get();
        } catch (StackOverflowError e) {
            throw new GrammarLimitException("the schema nests too deeply to compile (its properties, items or references, one inside another)");
        }
        synchronized (BY_HASH) {
            Grammar raced = BY_HASH.putIfAbsent(hash, compiled);
            return raced != null ? raced : compiled;
        }
    }

    static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
