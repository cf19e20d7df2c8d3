package io.hearth.runtime.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A function's optional guards, {@code guards:} in function.yaml, all off unless named:
 * <pre>
 * guards:
 *   redact: [email, phone, card, ip]          # PII replaced by [REDACTED:email] in inputs and outputs
 *   redact_patterns: {employee: "E\\d{6}"}    # more kinds, as regular expressions (RE2 syntax: linear time)
 *   deny: [prompt-injection, "(?i)secret plan"]  # inputs matching one are refused (400); prompt-injection: built in
 *   filter: com.example.MyGuard               # a class in the archive implementing io.hearth.function.InputGuard
 * </pre>
 */
public record GuardSettings(Map<String, GuardPattern> redact, List<GuardPattern> deny, String filter) {
    public static final GuardSettings NONE = new GuardSettings(Map.of(), List.of(), null);

    /** Built-in kinds of personal data, most specific first: they are redacted in this order (a card number would pass for a phone's). */
    static final Map<String, GuardPattern> PII = builtIn();

    private static Map<String, GuardPattern> builtIn() {
        java.util.function.IntPredicate digit = c -> c >= '0' && c <= '9';
        java.util.function.IntPredicate word = c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_');
        Map<String, GuardPattern> kinds = new LinkedHashMap<>();
        kinds.put("card", GuardPattern.bounded("(?:\\d[ -]?){12,18}\\d", digit, "\\D"));
        kinds.put("email", GuardPattern.bounded("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", c -> false, ""));
        kinds.put("ip", GuardPattern.bounded("(?:\\d{1,3}\\.){3}\\d{1,3}", digit.or(c -> c == '.'), "[^\\d.]"));
        // a phone number is at most 24 characters with its separators; the bound keeps each candidate short
        kinds.put("phone", GuardPattern.bounded("\\+?\\d[\\d ().-]{7,22}\\d", word.or(c -> c == '+'), "\\W"));
        return java.util.Collections.unmodifiableMap(kinds);
    }

    /** Phrasings of the common attempts to make a model ignore its instructions. */
    static final GuardPattern PROMPT_INJECTION = GuardPattern.compile("(?i)(ignore|disregard|forget)\\s+(all\\s+|any\\s+)?(the\\s+)?(previous|prior|above|earlier)\\s+"
            + "(instructions|prompts?|rules|messages)|reveal\\s+(your|the)\\s+(system\\s+prompt|instructions)|you\\s+are\\s+now\\s+(in\\s+)?developer\\s+mode", "the built-in prompt-injection rule");

    public GuardSettings {
        redact = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(redact));
        deny = List.copyOf(deny);
    }

    public boolean redacts() {
        return !redact.isEmpty();
    }

    public boolean isEmpty() {
        return redact.isEmpty() && deny.isEmpty() && filter == null;
    }

    static GuardSettings parse(JsonNode guards, Pattern className) {
        if (guards.isMissingNode() || guards.isNull()) return NONE;
        if (!guards.isObject()) throw new ArchiveInvalidException("guards must be a mapping (redact, redact_patterns, deny, filter)");
        List<String> kinds = strings(guards.path("redact"), "guards.redact");
        for (String kind : kinds) {
            if (!PII.containsKey(kind)) throw new ArchiveInvalidException("guards.redact: unknown kind '" + kind + "' (built in: "
                    + String.join(", ", PII.keySet()) + "; add others under redact_patterns)");
        }
        Map<String, GuardPattern> redact = new LinkedHashMap<>();
        PII.forEach((kind, pattern) -> {
            if (kinds.contains(kind)) redact.put(kind, pattern);
        });
        guards.path("redact_patterns").properties().forEach(e -> redact.put(e.getKey(), GuardPattern.compile(e.getValue().asText(), "guards.redact_patterns." + e.getKey())));
        List<GuardPattern> deny = new ArrayList<>();
        for (String rule : strings(guards.path("deny"), "guards.deny")) {
            deny.add(rule.equals("prompt-injection") ? PROMPT_INJECTION : GuardPattern.compile(rule, "guards.deny"));
        }
        String filter = guards.path("filter").isValueNode() ? guards.path("filter").asText() : null;
        if (filter != null && !className.matcher(filter).matches()) throw new ArchiveInvalidException("guards.filter must be a class name");
        return new GuardSettings(redact, deny, filter);
    }

    private static List<String> strings(JsonNode node, String where) {
        if (node.isMissingNode()) return List.of();
        if (!node.isArray()) throw new ArchiveInvalidException(where + " must be a list");
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
