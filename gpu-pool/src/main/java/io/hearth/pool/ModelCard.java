package io.hearth.pool;

import io.hearth.cuda.CudaBackend;
import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.kv.KvCache;
import io.hearth.engine.kv.KvStore;
import io.hearth.engine.kv.KvType;
import io.hearth.engine.model.Model;
import io.hearth.engine.model.ModelConfig;

/**
 * What the pool knows of a model without loading it, read once from the GGUF header: listings and validation work
 * while the model is scaled to zero, and a broken file is found at start rather than on the first request.
 */
record ModelCard(String name, String architecture, long fileBytes, long gpuWeightBytes, int contextLength, boolean randomWeights,
                 int kvBlockBytes, int embeddingLength) {
    static ModelCard read(ModelSpec spec) {
        try (GgufFile file = GgufFile.open(spec.source())) {
            ModelConfig config = ModelConfig.from(file);
            return new ModelCard(file.string("general.name", file.path().getFileName().toString()), config.architecture(),
                    file.fileSize(), CudaBackend.weightBytes(file), config.contextLength(), file.bool(Model.RANDOM_WEIGHTS_KEY, false),
                    KvStore.blockBytes(KvType.F32, config.layers(), config.kvHeads() * config.headDim()), config.dim());
        }
    }

    /**
     * Device memory a replica of this model takes on {@code device}: its weights (the mapped file on the CPU; on a
     * GPU, as uploaded) and an F32 KV cache of {@code kvTokens}.
     */
    long replicaBytes(int kvTokens, String device) {
        return (ModelSpec.cudaIndex(device) >= 0 ? gpuWeightBytes : fileBytes) + (long) KvCache.blocksFor(kvTokens) * kvBlockBytes;
    }
}
