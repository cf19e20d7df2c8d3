package io.hearth.runtime.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A function's optional guards, {@code guards:} in function.yaml, all off unless named:
 * <pre>
 * guards:
 *   redact: [email, phone, card, ip]          # PII replaced by [REDACTED:email] in inputs and outputs
 *   redact_patterns: {employee: "E\\d{6}"}    # more kinds, as regular expressions
 *   deny: [prompt-injection, "(?i)secret plan"]  # inputs matching one are refused (400); prompt-injection: built in
 *   filter: com.example.MyGuard               # a class in the archive implementing io.hearth.function.InputGuard
 * </pre>
 */
public record GuardSettings(Map<String, Pattern> redact, List<Pattern> deny, String filter) {
    public static final GuardSettings NONE = new GuardSettings(Map.of(), List.of(), null);

    /** Built-in kinds of personal data, most specific first: they are redacted in this order (a card number would pass for a phone's). */
    static final Map<String, Pattern> PII = builtIn();

    private static Map<String, Pattern> builtIn() {
        Map<String, Pattern> kinds = new LinkedHashMap<>();
        kinds.put("card", Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)"));
        kinds.put("email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"));
        kinds.put("ip", Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.])"));
        kinds.put("phone", Pattern.compile("(?<![\\w+])\\+?\\d[\\d ().-]{7,}\\d(?!\\w)"));
        return java.util.Collections.unmodifiableMap(kinds);
    }

    /** Phrasings of the common attempts to make a model ignore its instructions. */
    static final Pattern PROMPT_INJECTION = Pattern.compile("(?i)(ignore|disregard|forget)\\s+(all\\s+|any\\s+)?(the\\s+)?(previous|prior|above|earlier)\\s+"
            + "(instructions|prompts?|rules|messages)|reveal\\s+(your|the)\\s+(system\\s+prompt|instructions)|you\\s+are\\s+now\\s+(in\\s+)?developer\\s+mode");

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
        Map<String, Pattern> redact = new LinkedHashMap<>();
        PII.forEach((kind, pattern) -> {
            if (kinds.contains(kind)) redact.put(kind, pattern);
        });
        guards.path("redact_patterns").properties().forEach(e -> redact.put(e.getKey(), compile(e.getValue().asText(), "guards.redact_patterns." + e.getKey())));
        List<Pattern> deny = new ArrayList<>();
        for (String rule : strings(guards.path("deny"), "guards.deny")) {
            deny.add(rule.equals("prompt-injection") ? PROMPT_INJECTION : compile(rule, "guards.deny"));
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

    private static Pattern compile(String regex, String where) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ArchiveInvalidException(where + ": not a regular expression: " + e.getDescription());
        }
    }
}
