package io.hearth.engine.tokenizer;

import io.hearth.engine.Conformance;
import io.hearth.engine.gguf.GgufFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** decode(encode(text)) gives the text back, for every tokenizer test string (SPM adds its leading space). */
class TokenizerRoundTripTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "vocab/ggml-vocab-llama-spm.gguf, ' '",
            "vocab/ggml-vocab-phi-3.gguf, ' '",
            "vocab/ggml-vocab-gpt-2.gguf, ''",
            "vocab/ggml-vocab-deepseek-coder.gguf, ''",
            "models/tiny-llama3-bpe-f16.gguf, ''",
            "models/tiny-qwen2-f32.gguf, ''",
    })
    void decodeInvertsEncode(String file, String prefix) throws IOException {
        forEachCase(file, (tokenizer, text, label) ->
                assertEquals(prefix + text, tokenizer.decode(tokenizer.encode(text, false, false)), label));
    }

    /** A prompt's source pieces spell its text exactly, with no tokenizer-added space, after BOS and control tokens too. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-phi-3.gguf", "models/tiny-qwen2-f32.gguf"})
    void sourcePiecesSpellThePrompt(String file) throws IOException {
        forEachCase(file, (tokenizer, text, label) -> {
            int[] tokens = tokenizer.encode(text, true, false);
            java.io.ByteArrayOutputStream spelled = new java.io.ByteArrayOutputStream();
            for (int t = 0; t < tokens.length; t++) spelled.writeBytes(tokenizer.sourcePieceBytes(tokens, t));
            assertEquals(text, spelled.toString(java.nio.charset.StandardCharsets.UTF_8), label);
        });
    }

    private interface CaseCheck {
        void check(Tokenizer tokenizer, String text, String label);
    }

    /** Each non-empty string of llama.cpp's tokenizer test vectors, against the tokenizer of {@code file}. */
    private static void forEachCase(String file, CaseCheck check) throws IOException {
        String[] cases = Conformance.tokenizerCases("llama-spm");
        try (GgufFile gguf = GgufFile.open(Conformance.dir().resolve(file))) {
            Tokenizer tokenizer = Tokenizer.from(gguf);
            for (int i = 0; i < cases.length; i++) {
                if (!cases[i].isEmpty()) check.check(tokenizer, cases[i], "case " + i);
            }
        }
    }
}
