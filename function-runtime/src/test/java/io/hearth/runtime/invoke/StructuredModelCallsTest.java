package io.hearth.runtime.invoke;

import io.hearth.engine.generate.FinishReason;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.grammar.Grammars;
import io.hearth.engine.tools.ToolCall;
import io.hearth.engine.tools.ToolCallFormat;
import io.hearth.engine.tools.ToolChoice;
import io.hearth.function.ModelClient;
import io.hearth.host.TypedAnswers;
import io.hearth.pool.Completion;
import io.hearth.pool.ModelRequest;
import io.hearth.pool.PrefixReuse;
import io.hearth.runtime.deploy.ArchiveInvalidException;
import io.hearth.runtime.deploy.FunctionManifest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A function's structured model calls as the server runs them: record types, JSON Schemas and tools reach the pool. */
class StructuredModelCallsTest {
    public enum Kind { BUG, BILLING }

    public record Item(String sku, int quantity) {
    }

    public record Ticket(Kind kind, int priority, boolean urgent, List<Item> items) {
    }

    private static final FunctionManifest MANIFEST = FunctionManifest.parse("name: f\nversion: 1\nmodel: default\nkind: java\nhandler: a.B\n"
            .getBytes(StandardCharsets.UTF_8));

    private static PoolModelClient client(AtomicReference<ModelRequest> seen, String text, ToolCallFormat.Answer tools) {
        return new PoolModelClient((GeneratingCalls) (model, request, listener, progress) -> {
            seen.set(request);
            return new Completion(model, new GenerationResult(new int[]{1}, text, FinishReason.STOP, 3, 0, 0, 0), 0, null, PrefixReuse.NONE, tools);
        }, MANIFEST, Instant.now().plusSeconds(30), InvocationOptions.NONE, (t, s) -> { });
    }

    @Test
    void aRecordTypesSchemaIsDerivedCompiledAndTheAnswerReadBack() throws Exception {
        String schema = TypedAnswers.schemaOf(Ticket.class);
        assertNotNull(Grammars.jsonSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema)), "the derived schema is within the subset: " + schema);
        AtomicReference<ModelRequest> seen = new AtomicReference<>();
        Ticket t = client(seen, "{\"kind\":\"BUG\",\"priority\":2,\"urgent\":true,\"items\":[{\"sku\":\"x\",\"quantity\":1}]}", null)
                .chat(List.of(ModelClient.Message.user("hi")), Ticket.class, ModelClient.ModelOptions.defaults());
        assertEquals(new Ticket(Kind.BUG, 2, true, List.of(new Item("x", 1))), t);
        assertNotNull(seen.get().sampling().grammar(), "the call was held to the record's schema");
    }

    @Test
    void anAnswerCutByMaxTokensIsNotReadAsARecord() {
        PoolModelClient cut = new PoolModelClient((GeneratingCalls) (model, request, listener, progress) -> new Completion(model,
                new GenerationResult(new int[]{1}, "{\"kind\":\"BU", FinishReason.LENGTH, 3, 0, 0, 0), 0, null, PrefixReuse.NONE, null),
                MANIFEST, Instant.now().plusSeconds(30), InvocationOptions.NONE, (t, s) -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cut.chat(List.of(ModelClient.Message.user("hi")), Ticket.class, ModelClient.ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("cut at max_tokens"), e.getMessage());
    }

    @Test
    void toolsReachThePoolAndCallsComeBack() {
        AtomicReference<ModelRequest> seen = new AtomicReference<>();
        var answer = new ToolCallFormat.Answer(null, List.of(new ToolCall("call_1", "get_time", "{\"zone\":\"UTC\"}")));
        ModelClient.ModelResult r = client(seen, "<tool_call>...</tool_call>", answer).chat(List.of(ModelClient.Message.user("time?")),
                ModelClient.ModelOptions.defaults().withTools(List.of(new ModelClient.Tool("get_time", "the time",
                        "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}")), "required"));
        assertEquals("tool_calls", r.finishReason());
        assertEquals(List.of(new ModelClient.ToolCall("call_1", "get_time", "{\"zone\":\"UTC\"}")), r.toolCalls());
        assertEquals(ToolChoice.REQUIRED, seen.get().tools().choice());
        assertEquals(null, seen.get().sampling().grammar(), "the pool adds the tool-call grammar of the model's format");
    }

    @Test
    void aSchemaOutsideTheSubsetFailsTheCallNamingTheKeyword() {
        AtomicReference<ModelRequest> seen = new AtomicReference<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client(seen, "{}", null).chat(List.of(ModelClient.Message.user("x")),
                ModelClient.ModelOptions.defaults().withJsonSchema("{\"type\":\"object\",\"not\":{}}")));
        assertTrue(e.getMessage().contains("not"), e.getMessage());
    }

    @Test
    void outputSchemasAreCheckedAtDeploy() {
        String base = "name: t\nversion: 1\nmodel: default\nkind: prompt\nprompt: {template: x}\n";
        assertNotNull(FunctionManifest.parse((base + "output: {schema: {type: object, properties: {a: {type: integer}}}}").getBytes(StandardCharsets.UTF_8)).outputSchema());
        ArchiveInvalidException bad = assertThrows(ArchiveInvalidException.class,
                () -> FunctionManifest.parse((base + "output: {schema: {type: string, format: ipv4}}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(bad.getMessage().contains("output.schema") && bad.getMessage().contains("ipv4"), bad.getMessage());
        ArchiveInvalidException missing = assertThrows(ArchiveInvalidException.class,
                () -> FunctionManifest.parse((base + "output: {schema_file: out.json}").getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("not in the archive"), missing.getMessage());
        assertEquals("object", FunctionManifest.parse((base + "output: {schema_file: out.json}").getBytes(StandardCharsets.UTF_8),
                f -> f.equals("out.json") ? "{\"type\":\"object\"}".getBytes(StandardCharsets.UTF_8) : null).outputSchema().get("type").asText());
        assertThrows(ArchiveInvalidException.class, () -> FunctionManifest.parse(("name: j\nversion: 1\nmodel: default\nkind: java\nhandler: a.B\n"
                + "output: {schema: {type: object}}").getBytes(StandardCharsets.UTF_8)), "java functions give schemas to their model calls");
    }
}
