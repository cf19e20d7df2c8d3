package io.hearth.runtime.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hearth.runtime.config.Durations;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code function.yaml}, validated:
 * <pre>
 * name: summarize            # [a-z0-9-], as in the URL
 * version: 1.0.0             # letters, digits, '.', '-', '_'
 * model: default             # a model id the server serves
 * kind: prompt               # or java
 * handler: com.example.Fn    # java: a class implementing io.hearth.function.Function
 * prompt:                    # prompt: the system message and a Jinja template over the input's fields
 *   system: You summarize.
 *   template: "Summarize: {{ text }}"
 * defaults: {max_tokens: 128, temperature: 0.2}
 * limits: {max_input_tokens: 2048, timeout_ms: 30000, concurrency: 4, memory_mb: 256}  # memory_mb: a java function's heap
 * scaling: {min_warm: 1, keep_alive: 30m}  # replicas of its model kept warm while this version serves (within
 *                            # max-replicas); how long a replica stays loaded after its calls (within keep-alive bounds)
 * config: {any: value}       # given to java functions through FunctionContext.config
 * tenant: team-a             # optional: its model calls reuse cached prompt prefixes only with the same tenant's
 *                            # (none: shared with every function without one)
 * guards: {redact: [email], deny: [prompt-injection]}   # optional, see GuardSettings
 * output: {schema: {type: object, ...}}  # optional, prompt functions: the answer is JSON valid for this schema
 *                            # (or schema_file: output.schema.json inside the archive); /fn answers it parsed
 * </pre>
 */
public record FunctionManifest(String name, String version, String model, Kind kind, String handler, String system,
                               String template, int maxTokens, float temperature, int maxInputTokens, long timeoutMillis,
                               int concurrency, int memoryMb, int minWarm, Duration keepAlive, Map<String, String> config,
                               String tenant, GuardSettings guards, JsonNode outputSchema) {
    public enum Kind { PROMPT, JAVA }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public String id() {
        return name + "@" + version;
    }

    /** The prefix-cache scope of its model calls: its tenant's (null: the shared scope). */
    public String cacheSalt() {
        return tenant == null ? null : "tenant:" + tenant;
    }

    public static FunctionManifest parse(byte[] yaml) {
        return parse(yaml, file -> null);
    }

    /** {@code archiveFile}: a JSON file of the archive by its path, for {@code output.schema_file} (null: not there). */
    public static FunctionManifest parse(byte[] yaml, java.util.function.Function<String, byte[]> archiveFile) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (Exception e) {
            throw new ArchiveInvalidException("function.yaml is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw new ArchiveInvalidException("function.yaml must be a mapping of keys");
        String name = required(root, "name");
        if (!NAME.matcher(name).matches()) throw new ArchiveInvalidException("name '" + name + "' must be lowercase letters, digits and '-' (at most 63)");
        String version = required(root, "version");
        if (!VERSION.matcher(version).matches()) throw new ArchiveInvalidException("version '" + version + "' must be letters, digits, '.', '_' or '-' (at most 32)");
        String model = required(root, "model");
        Kind kind = switch (required(root, "kind")) {
            case "prompt" -> Kind.PROMPT;
            case "java" -> Kind.JAVA;
            default -> throw new ArchiveInvalidException("kind must be 'prompt' or 'java'");
        };
        String handler = text(root.path("handler"));
        String system = text(root.path("prompt").path("system"));
        String template = text(root.path("prompt").path("template"));
        if (kind == Kind.JAVA && (handler == null || !CLASS_NAME.matcher(handler).matches())) {
            throw new ArchiveInvalidException("a java function needs 'handler': the class implementing io.hearth.function.Function");
        }
        if (kind == Kind.PROMPT && template == null) throw new ArchiveInvalidException("a prompt function needs 'prompt.template'");
        JsonNode defaults = root.path("defaults"), limits = root.path("limits");
        int maxTokens = positive(defaults, "max_tokens", 256, 4096);
        JsonNode t = defaults.path("temperature");
        if (!t.isMissingNode() && !t.isNumber()) throw new ArchiveInvalidException("defaults.temperature must be a number between 0 and 2, got " + t);
        float temperature = (float) t.asDouble(0.7);
        if (temperature < 0 || temperature > 2) throw new ArchiveInvalidException("defaults.temperature must be between 0 and 2");
        String tenant = text(root.path("tenant"));
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            throw new ArchiveInvalidException("tenant '" + tenant + "' must be letters, digits, '.', '_' or '-' (at most 63)");
        }
        Map<String, String> config = new LinkedHashMap<>();
        root.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
        return new FunctionManifest(name, version, model, kind, handler, system, template, maxTokens, temperature,
                positive(limits, "max_input_tokens", 2048, 1 << 20), positive(limits, "timeout_ms", 60_000, 600_000),
                positive(limits, "concurrency", 8, 1024), positive(limits, "memory_mb", 256, 65_536), count(root.path("scaling"), "min_warm", 16),
                keepAlive(root.path("scaling").path("keep_alive")), Map.copyOf(config), tenant,
                GuardSettings.parse(root.path("guards"), CLASS_NAME), OutputSchema.parse(root.path("output"), kind == Kind.PROMPT, archiveFile));
    }

    private static String required(JsonNode root, String key) {
        String value = text(root.path(key));
        if (value == null || value.isBlank()) throw new ArchiveInvalidException("function.yaml needs '" + key + "'");
        return value;
    }

    private static String text(JsonNode node) {
        return node.isValueNode() ? node.asText() : null;
    }

    private static int count(JsonNode section, String key, int max) {
        JsonNode node = section.path(key);
        if (node.isMissingNode()) return 0;
        if (!node.canConvertToInt() || node.asInt() < 0 || node.asInt() > max) {
            throw new ArchiveInvalidException("scaling." + key + " must be a whole number from 0 to " + max);
        }
        return node.asInt();
    }

    private static Duration keepAlive(JsonNode node) {
        if (node.isMissingNode()) return null;
        try {
            return Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new ArchiveInvalidException("scaling.keep_alive: " + e.getMessage());
        }
    }

    private static int positive(JsonNode section, String key, int fallback, int max) {
        JsonNode node = section.path(key);
        if (node.isMissingNode()) return fallback;
        if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > max) {
            throw new ArchiveInvalidException(key + " must be a whole number from 1 to " + max);
        }
        return node.asInt();
    }
}
