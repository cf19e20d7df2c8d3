package io.hearth.engine;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.tensor.GgmlType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated tiny models for tests that need a model but not llama.cpp's references; written once per JVM. */
public final class TinyModels {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("hearth-tiny-models");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TinyModels() {
    }

    public static synchronized Path of(GgmlType type) {
        Path file = DIR.resolve("tiny-" + type.name().toLowerCase() + ".gguf");
        if (!Files.exists(file)) {
            try (WorkerPool pool = new WorkerPool(2)) {
                ModelGenerator.write(ModelShape.named("tiny"), type, 42, file, pool);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file.toFile().deleteOnExit();
        }
        return file;
    }
}
