package io.hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hearth.engine.Conformance;
import io.hearth.engine.TinyModels;
import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.chat.ChatMessage;
import io.hearth.engine.chat.ChatTemplate;
import io.hearth.engine.generate.Decoding;
import io.hearth.engine.generate.FinishReason;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.generate.Generator;
import io.hearth.engine.generate.TokenListener;
import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.sample.SamplingParams;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Constrained answers are always valid, whatever the model: sampled at temperature 1 from the random-weights default
 * model (and from random logits over Qwen2's byte-level vocabulary), every answer parses and passes an independent
 * validator (networknt's json-schema-validator, format assertions on).
 */
class ConstrainedGenerationPropertyTest {
    static final List<String> SCHEMAS = List.of(
            // nested objects
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":12},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120},"
                    + "\"address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":10},\"zip\":{\"type\":\"string\",\"pattern\":\"^[0-9]{5}$\"}},"
                    + "\"required\":[\"city\",\"zip\"],\"additionalProperties\":false},\"nick\":{\"type\":[\"string\",\"null\"],\"maxLength\":6}},\"required\":[\"name\",\"age\",\"address\"]}",
            // arrays with bounds
            "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":-9,\"maximum\":9},\"minItems\":2,\"maxItems\":4}",
            "{\"type\":\"object\",\"properties\":{\"pair\":{\"type\":\"array\",\"prefixItems\":[{\"type\":\"boolean\"},{\"const\":\"x\"}],\"items\":false,\"minItems\":2}},\"required\":[\"pair\"]}",
            // enums
            "{\"type\":\"object\",\"properties\":{\"label\":{\"enum\":[\"positive\",\"negative\",\"neutral\"]},\"score\":{\"type\":\"number\"}},\"required\":[\"label\"]}",
            // anyOf / oneOf
            "{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\"}},\"required\":[\"x\"]},{\"type\":\"null\"}]}",
            "{\"type\":\"array\",\"maxItems\":3,\"items\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"maxLength\":4}]}}",
            // patterns and formats
            "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2}-[0-9]{3}$\"},\"day\":{\"type\":\"string\",\"format\":\"date\"},"
                    + "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"mail\":{\"type\":\"string\",\"format\":\"email\"}},"
                    + "\"required\":[\"code\",\"day\",\"at\",\"id\",\"mail\"]}");
    private static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig ASSERT_FORMATS = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    static void assertValid(String schema, String answer) {
        JsonNode instance;
        try {
            instance = GrammarText.JSON.readTree(answer);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer, e);
        }
        JsonSchema validator = VALIDATORS.getSchema(GrammarText.json(schema), ASSERT_FORMATS);
        Set<ValidationMessage> errors = validator.validate(instance);
        assertTrue(errors.isEmpty(), () -> "invalid for " + schema + ": " + answer + " " + errors);
    }

    @Test
    void twoHundredSeededAnswersFromTheDefaultModelValidate() {
        try (Model model = Model.load(TinyModels.of(GgmlType.Q8_0));
             CpuBackend backend = new CpuBackend(model, new EngineOptions(2, KvType.F16, 2048))) {
            ChatTemplate template = ChatTemplate.forModel(model);
            int[] prompt = template.promptTokens(model.tokenizer(), List.of(new ChatMessage("user", "Answer in JSON.")));
            Generator generator = new Generator(backend);
            for (int seed = 0; seed < 200; seed++) {
                String schema = SCHEMAS.get(seed % SCHEMAS.size());
                SamplingParams params = new SamplingParams(1f, 0, 1f, 0f, 1f, 64, seed, 600, List.of(), Grammars.jsonSchema(GrammarText.json(schema)));
                GenerationResult result = generator.generate(prompt, params, TokenListener.NONE);
                assertEquals(FinishReason.STOP, result.finishReason(), "seed " + seed + " did not finish: " + result.text());
                assertValid(schema, result.text());
            }
        }
    }

    @Test
    void randomLogitsOverQwen2sByteLevelVocabularyValidate() throws IOException {
        Tokenizer tokenizer;
        try (GgufFile gguf = GgufFile.open(Conformance.model("tiny-qwen2-f32.gguf"))) {
            tokenizer = Tokenizer.from(gguf);
        }
        int vocab = tokenizer.vocabulary().size();
        for (int seed = 0; seed < 28; seed++) {
            String schema = SCHEMAS.get(seed % SCHEMAS.size());
            SamplingParams params = new SamplingParams(1f, 0, 1f, 0f, 1f, 64, seed, 600, List.of(), Grammars.jsonSchema(GrammarText.json(schema)));
            Decoding decoding = new Decoding(tokenizer, new int[]{0}, params);
            SplittableRandom random = new SplittableRandom(seed);
            while (!decoding.finished()) {
                float[] logits = new float[vocab];
                for (int i = 0; i < vocab; i++) logits[i] = (float) (random.nextDouble() * 8);
                decoding.accept(logits, TokenListener.NONE);
            }
            decoding.flush(TokenListener.NONE);
            assertEquals(FinishReason.STOP, decoding.finishReason(), "seed " + seed + ": " + decoding.text());
            assertValid(schema, decoding.text());
        }
    }
}
