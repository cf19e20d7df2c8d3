package io.hearth.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates llama.cpp's reference data in ../shared/conformance; tests that need it skip with a message without it. */
public final class Conformance {
    private Conformance() {
    }

    public static Path dir() {
        String configured = System.getProperty("hearth.conformance.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/conformance");
        assumeTrue(Files.isDirectory(dir.resolve("models")),
                "llama.cpp conformance data not found at " + dir.toAbsolutePath().normalize()
                        + " (set -Dhearth.conformance.dir); skipping");
        return dir;
    }

    /** The strings of llama.cpp's tokenizer test vectors ({@code vocab/ggml-vocab-NAME.gguf.inp}). */
    public static String[] tokenizerCases(String name) throws java.io.IOException {
        String input = java.nio.file.Files.readString(dir().resolve("vocab/ggml-vocab-" + name + ".gguf.inp"),
                java.nio.charset.StandardCharsets.UTF_8);
        String[] cases = input.split("\n__ggml_vocab_test__\n", -1);
        return java.util.Arrays.copyOf(cases, cases.length - 1); // the file ends with the separator
    }

    public static Path model(String name) {
        return dir().resolve("models").resolve(name);
    }
}
