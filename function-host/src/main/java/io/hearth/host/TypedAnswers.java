package io.hearth.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import io.hearth.function.ModelClient;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Structured answers into Java types, for both sides of a model call: the JSON Schema of a record (or a class with
 * public fields), every component required and no others allowed, as victools' generator writes it; and the answer
 * read back into the type with Jackson. Schemas are derived once per type.
 */
public final class TypedAnswers {
    private static final SchemaGenerator GENERATOR;
    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ConcurrentHashMap<Class<?>, String> SCHEMAS = new ConcurrentHashMap<>();

    static {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.DEFINITIONS_FOR_ALL_OBJECTS)
                .without(Option.SCHEMA_VERSION_INDICATOR);
        config.forFields().withRequiredCheck(field -> true);
        GENERATOR = new SchemaGenerator(config.build());
    }

    private TypedAnswers() {
    }

    /** The JSON Schema (as text) an answer must follow to be read as {@code type}. */
    public static String schemaOf(Class<?> type) {
        return SCHEMAS.computeIfAbsent(type, t -> GENERATOR.generateSchema(t).toString());
    }

    /** The options with the schema of {@code type}, tools left out (a typed answer is the answer itself). */
    public static ModelClient.ModelOptions forType(ModelClient.ModelOptions options, Class<?> type) {
        ModelClient.ModelOptions o = options != null ? options : ModelClient.ModelOptions.defaults();
        if (o.tools() != null && !o.tools().isEmpty()) throw new IllegalArgumentException("a typed answer cannot also call tools; make the call without a type");
        return o.withJsonSchema(schemaOf(type));
    }

    /** The answer read into {@code type}. */
    public static <T> T read(ModelClient.ModelResult result, Class<T> type) {
        if ("length".equals(result.finishReason())) {
            throw new IllegalStateException("the answer was cut at max_tokens before it completed " + type.getSimpleName() + "'s schema; allow more tokens");
        }
        try {
            return JSON.readValue(result.text(), type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the answer could not be read as " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
