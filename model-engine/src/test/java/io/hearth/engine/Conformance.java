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

    public static Path model(String name) {
        return dir().resolve("models").resolve(name);
    }
}
