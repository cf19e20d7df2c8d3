package io.hearth.runtime.deploy;

import io.hearth.runtime.Archives;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The archive validator against a seeded stream of damaged archives and odd function.yaml documents: each one is
 * either accepted or refused with {@link ArchiveInvalidException} (a 4xx with a message), never another exception
 * (a 500). Bounded (a few thousand cases, about a second); {@code -Dhearth.fuzz.seed=N} replays a run.
 */
class ArchiveFuzzTest {
    private static final long SEED = Long.getLong("hearth.fuzz.seed", 20261122L);
    private static final int CASES = 3000;
    private static final List<String> KEYS = List.of("name", "version", "model", "kind", "handler", "prompt", "system", "template",
            "defaults", "max_tokens", "temperature", "limits", "max_input_tokens", "timeout_ms", "concurrency", "scaling", "min_warm",
            "keep_alive", "config", "tenant");
    private static final List<String> SCALARS = List.of("prompt", "java", "default", "1", "-1", "0", "1e309", "0.5", "2.5", "true", "null",
            "~", "\"\"", "'x'", "f", "com.example.F", "30m", "abc", "{{ x }}", "9999999999999", "[]", "{}", "&a", "*a", "!!binary aGk=");

    @Test
    void damagedArchivesAreRefusedWithAMessageNeverAnError() {
        Random random = new Random(SEED);
        byte[] valid = Archives.promptFunction("fuzz", "1", "Hi {{ name }}");
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = switch (random.nextInt(3)) {
                case 0 -> mutate(valid, random);
                case 1 -> Archives.zip(Map.of("function.yaml", yaml(random).getBytes(StandardCharsets.UTF_8)));
                default -> Archives.zip(entries(random));
            };
            try {
                FunctionArchive.read(bytes);
            } catch (ArchiveInvalidException refused) {
                if (refused.getMessage() == null || refused.getMessage().isBlank()) fail("case " + i + " (seed " + SEED + "): a refusal without a message");
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " (seed " + SEED + "): " + e + " instead of a refusal", e);
            }
        }
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(8); n > 0; n--) out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            }
            case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
            default -> {
                int at = random.nextInt(out.length);
                byte[] grown = new byte[out.length + 16];
                System.arraycopy(out, 0, grown, 0, at);
                for (int k = 0; k < 16; k++) grown[at + k] = (byte) random.nextInt(256);
                System.arraycopy(out, at, grown, at + 16, out.length - at);
                out = grown;
            }
        }
        return out;
    }

    /** A YAML document of known keys, nested at random, with scalars of every kind in every place. */
    private static String yaml(Random random) {
        StringBuilder doc = new StringBuilder();
        if (random.nextBoolean()) doc.append("name: fuzz\nversion: \"1\"\nmodel: default\nkind: ").append(random.nextBoolean() ? "prompt" : "java").append('\n');
        for (int n = random.nextInt(8); n > 0; n--) block(doc, random, 0);
        return doc.toString();
    }

    private static void block(StringBuilder doc, Random random, int depth) {
        doc.append("  ".repeat(depth)).append(KEYS.get(random.nextInt(KEYS.size()))).append(':');
        if (depth < 3 && random.nextInt(3) == 0) {
            doc.append('\n');
            for (int n = 1 + random.nextInt(3); n > 0; n--) block(doc, random, depth + 1);
        } else if (random.nextInt(5) == 0) {
            doc.append(" [").append(SCALARS.get(random.nextInt(SCALARS.size()))).append(", ").append(SCALARS.get(random.nextInt(SCALARS.size()))).append("]\n");
        } else {
            doc.append(' ').append(SCALARS.get(random.nextInt(SCALARS.size()))).append('\n');
        }
    }

    private static Map<String, byte[]> entries(Random random) {
        List<String> names = List.of("function.yaml", "../function.yaml", "/abs", "a/../../b", "lib/x.jar", "dir/", "a\\b", "", "classes/A.class");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            String name = names.get(random.nextInt(names.size()));
            if (name.isEmpty() || entries.containsKey(name)) continue;
            entries.put(name, yaml(random).getBytes(StandardCharsets.UTF_8));
        }
        if (entries.isEmpty()) entries.put("function.yaml", new byte[0]);
        return entries;
    }
}
