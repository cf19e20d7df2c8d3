package io.hearth.engine.grammar;

import io.hearth.engine.Conformance;
import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.tokenizer.Tokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast mask (one walk over the sorted vocabulary) against brute force (every token's bytes fed to the grammar
 * on their own), in the states along a document with multi-byte characters, on four real vocabularies: SentencePiece
 * with byte fallback, GPT-2 and Llama-3 byte-level BPE, and Qwen2's 151,936 tokens.
 */
class TokenMasksTest {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"maxLength\":20},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"é\",\"日本\",\"a b\"]},\"maxItems\":3},"
            + "\"n\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":300},"
            + "\"when\":{\"type\":\"string\",\"format\":\"date\"}},"
            + "\"required\":[\"name\",\"tags\"]}";
    static final String DOCUMENT = "{\"name\": \"Zoë 日\\n\", \"tags\": [\"日本\",\"é\"], \"n\": 250, \"when\":\"2024-02-28\"}";

    @ParameterizedTest
    @CsvSource({"vocab/ggml-vocab-llama-spm.gguf, 1", "vocab/ggml-vocab-gpt-2.gguf, 2",
            "models/tiny-llama3-bpe-f16.gguf, 3", "models/tiny-qwen2-f32.gguf, 4"})
    void fastMaskEqualsBruteForce(String file, int stride) throws IOException {
        Tokenizer tokenizer;
        try (GgufFile gguf = GgufFile.open(Conformance.dir().resolve(file))) {
            tokenizer = Tokenizer.from(gguf);
        }
        VocabularyIndex vocab = VocabularyIndex.of(tokenizer);
        Grammar grammar = GrammarText.schema(SCHEMA);
        TokenMasks masks = TokenMasks.of(grammar, vocab);
        byte[] doc = DOCUMENT.getBytes(StandardCharsets.UTF_8);
        GrammarState state = masks.start();
        int checked = 0;
        for (int i = 0; i <= doc.length; i++) {
            if (i % stride == 0 || i == doc.length) {
                assertArrayEquals(bruteForce(state, vocab), masks.mask(state, vocab), "mask after " + i + " bytes of the document");
                checked++;
            }
            if (i < doc.length) state = state.advance(doc[i] & 0xFF);
        }
        assertTrue(state.canEnd && checked > 10);
    }

    /** Allowed tokens found the slow way: each token's bytes fed to the grammar on their own. */
    static long[] bruteForce(GrammarState state, VocabularyIndex vocab) {
        long[] mask = new long[(vocab.size() + 63) >>> 6];
        for (int id = 0; id < vocab.size(); id++) {
            boolean allowed;
            if (vocab.isEndOfGeneration(id)) {
                allowed = state.canEnd;
            } else {
                byte[] bytes = vocab.bytes(id);
                GrammarState s = bytes == null ? null : state;
                for (int i = 0; s != null && bytes != null && i < bytes.length; i++) s = s.advance(bytes[i] & 0xFF);
                allowed = s != null;
            }
            if (allowed) mask[id >>> 6] |= 1L << id;
        }
        return mask;
    }
}
