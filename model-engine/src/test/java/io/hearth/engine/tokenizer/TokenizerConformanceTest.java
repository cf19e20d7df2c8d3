package io.hearth.engine.tokenizer;

import io.hearth.engine.Conformance;
import io.hearth.engine.gguf.GgufFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** llama.cpp's test-tokenizer-0 vectors: add_special=false, parse_special=false, ids must be identical. */
class TokenizerConformanceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "llama-spm, vocab/ggml-vocab-llama-spm.gguf",
            "phi-3, vocab/ggml-vocab-phi-3.gguf",
            "gpt-2, vocab/ggml-vocab-gpt-2.gguf",
            "deepseek-coder, vocab/ggml-vocab-deepseek-coder.gguf",
            "llama-bpe, models/tiny-llama3-bpe-f16.gguf",
            "qwen2, models/tiny-qwen2-f32.gguf",
    })
    void matchesLlamaCppVectors(String vectors, String vocabFile) throws IOException {
        Path dir = Conformance.dir();
        String[] cases = Conformance.tokenizerCases(vectors);
        List<String> expected = Files.readAllLines(dir.resolve("vocab/ggml-vocab-" + vectors + ".gguf.out"), StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        try (GgufFile file = GgufFile.open(dir.resolve(vocabFile))) {
            Tokenizer tokenizer = Tokenizer.from(file);
            for (int i = 0; i < expected.size(); i++) {
                int[] ids = tokenizer.encode(cases[i], false, false);
                String got = Arrays.stream(ids).mapToObj(id -> " " + id).reduce("", String::concat);
                if (!got.equals(expected.get(i))) {
                    failures.add("case " + i + " " + escape(cases[i]) + "\n  expected" + expected.get(i) + "\n  got     " + got);
                }
            }
        }
        assertEquals(List.of(), failures, vectors + ": " + failures.size() + " of " + expected.size() + " cases differ");
    }

    private static String escape(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
