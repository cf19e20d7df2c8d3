package io.hearth.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.engine.Conformance;
import io.hearth.engine.TinyModels;
import io.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract scripts depend on: JSON shapes, exit codes, one-line errors. */
class HearthEngineCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = HearthEngineCli.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void generateGreedyPrintsLlamaCppTokens() throws Exception {
        Path model = Conformance.model("stories260K.gguf");
        JsonNode ref = JSON.readTree(Conformance.dir().resolve("ref/stories260K.ref.json").toFile()).get("prompts").get(0);
        Run r = run("generate", "--model", model.toString(), "--prompt", ref.get("prompt").asText(), "--max-tokens", "32",
                "--temperature", "0", "--json", "--threads", "2");
        assertEquals(0, r.exit(), r.err());
        JsonNode expected = ref.get("greedy").get("tokens");
        JsonNode got = r.json().get("tokens");
        for (int i = 0; i < 32; i++) assertEquals(expected.get(i).asInt(), got.get(i).asInt(), "token " + i);
        assertTrue(r.json().get("text").asText().startsWith(", there was a little girl named Lily."), r.out());
    }

    @Test
    void tokenizeAndLogitsPrintTheDocumentedJson() throws Exception {
        String model = TinyModels.of(GgmlType.Q4_K).toString();
        Run tokens = run("tokenize", "--model", model, "--text", "<|im_start|>hello world", "--json");
        assertEquals(0, tokens.exit(), tokens.err());
        JsonNode ids = tokens.json().get("tokens");
        assertEquals(1, ids.get(0).asInt(), "BOS first, as the model says");
        assertEquals(3, ids.get(1).asInt(), "special token parsed");
        Run logits = run("logits", "--model", model, "--tokens", "1,5,6", "--top", "5", "--json");
        assertEquals(0, logits.exit(), logits.err());
        JsonNode top = logits.json().get("top");
        assertEquals(5, top.size());
        assertTrue(top.get(0).get(1).asDouble() >= top.get(4).get(1).asDouble());
    }

    @Test
    void chatAndStopStrings() throws Exception {
        String model = TinyModels.of(GgmlType.F16).toString();
        Run r = run("generate", "--model", model, "--chat", "hello", "--system", "be brief", "--max-tokens", "5",
                "--temperature", "0.7", "--seed", "3", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(5, r.json().get("tokens").size());
        assertEquals("length", r.json().get("finish_reason").asText());
        assertTrue(r.json().get("note").asText().contains("random weights"));
        Run again = run("generate", "--model", model, "--chat", "hello", "--system", "be brief", "--max-tokens", "5",
                "--temperature", "0.7", "--seed", "3", "--json");
        assertEquals(r.json().get("tokens"), again.json().get("tokens"), "same seed, same tokens");
    }

    @Test
    void genModelWritesALoadableModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.gguf");
        Run r = run("gen-model", "--shape", "tiny", "--type", "q4_0", "--output", file.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(Files.size(file), r.json().get("bytes").asLong());
        Run bench = run("bench", "--model", file.toString(), "--threads", "1", "--prompt-tokens", "8", "--gen-tokens", "4",
                "--repetitions", "1", "--json");
        assertEquals(0, bench.exit(), bench.err());
        assertTrue(bench.json().get("pp_tok_s").asDouble() > 0);
        assertTrue(bench.json().get("tg_limit_tok_s").asDouble() > 0);
    }

    @Test
    void badInputEndsWithOneLineAndNonZeroExit(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "not a model");
        String model = TinyModels.of(GgmlType.F32).toString();
        Run[] runs = {
                run("generate", "--model", junk.toString(), "--prompt", "x"),
                run("generate", "--model", dir.resolve("missing.gguf").toString(), "--prompt", "x"),
                run("generate", "--model", model, "--prompt", "x", "--temperature", "-2"),
                run("generate", "--model", model, "--prompt", "x", "--max-tokens", "999999"),
                run("logits", "--model", model, "--tokens", "1,100000"),
                run("gen-model", "--shape", "huge", "--output", dir.resolve("x.gguf").toString()),
                run("generate", "--model", model),
                run("frobnicate"),
        };
        for (Run r : runs) {
            assertTrue(r.exit() != 0, r.out() + r.err());
            String err = r.err().strip();
            assertTrue(err.startsWith("hearth-engine: "), err);
            assertFalse(err.contains("\n") || err.contains("at io.hearth"), "one line, no stack trace: " + err);
        }
        assertTrue(runs[0].err().contains("junk.gguf: not a GGUF file"), runs[0].err());
        assertTrue(runs[3].err().contains("exceeds the model's context"), runs[3].err());
        assertTrue(runs[5].err().contains("unknown model shape 'huge'"), runs[5].err());
    }
}
