package io.hearth.runtime.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.grammar.Grammars;

import java.util.Iterator;
import java.util.function.Function;

/**
 * A prompt function's {@code output} section: the JSON Schema its answers follow, inline ({@code schema}) or in a
 * file of the archive ({@code schema_file}). The schema is compiled here, at deploy, so a schema the engine cannot
 * honour stops the deploy with the reason, and calls find its grammar compiled.
 */
final class OutputSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputSchema() {
    }

    static JsonNode parse(JsonNode output, boolean prompt, Function<String, byte[]> archiveFile) {
        if (output.isMissingNode() || output.isNull()) return null;
        if (!output.isObject()) throw new ArchiveInvalidException("output must be a mapping with schema or schema_file");
        for (Iterator<String> it = output.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("schema") && !key.equals("schema_file")) throw new ArchiveInvalidException("output." + key + " is unknown (output takes schema or schema_file)");
        }
        if (!prompt) {
            throw new ArchiveInvalidException("output is for prompt functions; a java function gives its schema to ModelClient (ModelOptions.withJsonSchema, or a record type)");
        }
        if (output.has("schema") == output.has("schema_file")) throw new ArchiveInvalidException("output needs exactly one of schema and schema_file");
        JsonNode schema = output.has("schema") ? output.get("schema") : file(output.get("schema_file"), archiveFile);
        if (!schema.isObject()) throw new ArchiveInvalidException("output.schema must be a JSON Schema object");
        try {
            Grammars.jsonSchema(schema);
        } catch (IllegalArgumentException e) {
            throw new ArchiveInvalidException("output.schema: " + e.getMessage());
        }
        return schema;
    }

    private static JsonNode file(JsonNode name, Function<String, byte[]> archiveFile) {
        if (!name.isTextual()) throw new ArchiveInvalidException("output.schema_file must be a path inside the archive");
        byte[] bytes = archiveFile.apply(name.textValue());
        if (bytes == null) throw new ArchiveInvalidException("output.schema_file " + name.textValue() + " is not in the archive (a .json file of at most 256 KB)");
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new ArchiveInvalidException("output.schema_file " + name.textValue() + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
