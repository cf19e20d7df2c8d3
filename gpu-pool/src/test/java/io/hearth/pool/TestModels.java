package io.hearth.pool;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.tensor.GgmlType;

import java.nio.file.Path;

/** Models the pool's tests run on: small generated GGUF files, the same bytes for the same seed on every machine. */
public final class TestModels {
    private TestModels() {
    }

    /** A tiny-shaped Q8_0 model with random weights from {@code seed}, written to {@code dir/name}. */
    public static Path tiny(Path dir, String name, long seed) throws Exception {
        Path file = dir.resolve(name);
        try (WorkerPool workers = new WorkerPool(2)) {
            ModelGenerator.write(ModelShape.named("tiny"), GgmlType.Q8_0, seed, file, workers);
        }
        return file;
    }
}
