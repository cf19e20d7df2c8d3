package io.hearth.runtime.invoke;

import io.hearth.function.InputGuard;
import io.hearth.runtime.deploy.GuardPattern;
import io.hearth.runtime.deploy.GuardSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function's guards at work: its deny rules and input guard see the caller's input before any model does (a match
 * refuses it), and personal data is redacted from the input the function sees and from the output the caller gets.
 * Every string in the input is checked, however deeply nested.
 *
 * @param filter the archive's {@link InputGuard}, or null
 */
record Guards(String functionId, GuardSettings settings, InputGuard filter) {
    /** The input as the function will see it: refused, or with personal data redacted. */
    Map<String, Object> screen(Map<String, Object> input) {
        if (settings.isEmpty()) return input;
        for (int i = 0; i < settings.deny().size(); i++) {
            if (matches(input, settings.deny().get(i))) {
                throw new InputRefusedException(functionId + " refuses this input: it matches the function's deny rule " + (i + 1)
                        + " (guards.deny)");
            }
        }
        if (filter != null) {
            String refusal;
            try {
                refusal = filter.refusal(input);
            } catch (RuntimeException e) {
                throw new FunctionFailedException(functionId + "'s input guard failed: " + e, e);
            }
            if (refusal != null) throw new InputRefusedException(functionId + " refuses this input: " + refusal);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> redacted = (Map<String, Object>) redact(input);
        return redacted;
    }

    /** A value with every string's personal data replaced by {@code [REDACTED:<kind>]}. */
    Object redact(Object value) {
        if (!settings.redacts()) return value;
        return switch (value) {
            case String s -> redactText(s);
            case Map<?, ?> map -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(k, redact(v)));
                yield out;
            }
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                list.forEach(v -> out.add(redact(v)));
                yield out;
            }
            case null, default -> value;
        };
    }

    private String redactText(String text) {
        String out = text;
        for (Map.Entry<String, GuardPattern> kind : settings.redact().entrySet()) {
            out = kind.getValue().replaceAll(out, "[REDACTED:" + kind.getKey() + "]");
        }
        return out;
    }

    private static boolean matches(Object value, GuardPattern rule) {
        return switch (value) {
            case String s -> rule.find(s);
            case Map<?, ?> map -> map.values().stream().anyMatch(v -> matches(v, rule));
            case List<?> list -> list.stream().anyMatch(v -> matches(v, rule));
            case null, default -> false;
        };
    }
}
