package io.hearth.engine.cli;

import io.hearth.engine.backend.CpuBackend;
import io.hearth.engine.backend.EngineOptions;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by every command that runs a model. */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "GGUF model file")
    Path model;

    @Option(names = "--threads", description = "compute threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--kv-type", description = "KV cache type: f32 or f16 (default: f32)")
    String kvType = "f32";

    @Option(names = "--context", description = "tokens the KV cache holds (default: 4096)")
    int context = 4096;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    Model load() {
        return Model.load(model);
    }

    CpuBackend backend(Model loaded) {
        int kvTokens = Math.min(context, loaded.config().contextLength());
        return new CpuBackend(loaded, new EngineOptions(threads, KvType.parse(kvType), kvTokens));
    }
}
