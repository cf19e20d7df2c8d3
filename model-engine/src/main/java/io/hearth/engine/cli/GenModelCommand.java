package io.hearth.engine.cli;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.genmodel.ModelGenerator;
import io.hearth.engine.genmodel.ModelShape;
import io.hearth.engine.tensor.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "gen-model", description = "Write a GGUF with random weights of a named shape (deterministic per seed).")
final class GenModelCommand implements Callable<Integer> {
    @Option(names = "--shape", description = "tiny, tinyllama-1.1b or llama-3.2-1b (default: tiny)")
    String shape = "tiny";

    @Option(names = "--type", description = "tensor type of the matrices: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k (default: f16)")
    String type = "f16";

    @Option(names = "--seed", description = "default: 42")
    long seed = 42;

    @Option(names = {"--output", "-o"}, required = true, description = "file to write")
    Path output;

    @Option(names = "--threads", description = "default: all cores")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelShape modelShape = ModelShape.named(shape);
        GgmlType tensorType = GgmlType.byName(type);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        long start = System.nanoTime();
        try (WorkerPool pool = new WorkerPool(threads)) {
            ModelGenerator.write(modelShape, tensorType, seed, output, pool);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = Files.size(output);
        if (json) {
            Output.json(Map.of("path", output.toString(), "bytes", bytes, "shape", shape, "type", tensorType.name(), "seconds", seconds));
        } else {
            System.out.printf("wrote %s: %s shape, %s, %,d bytes in %.1f s (random weights)%n", output, shape, tensorType, bytes, seconds);
        }
        return 0;
    }
}
