package io.hearth.engine.model;

import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.gguf.GgufFormatException;

/**
 * Hyper-parameters of a llama-family model, read from {@code <arch>.*} metadata with llama.cpp's defaults.
 *
 * @param ropeFrequencyScale positions are multiplied by this (linear rope scaling: 1 / factor)
 */
public record ModelConfig(String architecture, int dim, int layers, int heads, int kvHeads, int headDim, int ropeDims,
                          int ffDim, int vocabSize, int contextLength, float rmsEps, float ropeTheta,
                          float ropeFrequencyScale, RopeStyle ropeStyle) {

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public static ModelConfig from(GgufFile file) {
        String arch = file.string("general.architecture");
        RopeStyle style = switch (arch) {
            case "llama", "mistral" -> RopeStyle.ADJACENT_PAIRS;
            case "qwen2" -> RopeStyle.SPLIT_HALVES;
            default -> throw new GgufFormatException(file.path(), "architecture '" + arch
                    + "' is not supported (supported: llama, mistral, qwen2)");
        };
        int dim = file.integer(arch + ".embedding_length");
        int heads = file.integer(arch + ".attention.head_count");
        int kvHeads = file.integer(arch + ".attention.head_count_kv", heads);
        int headDim = file.integer(arch + ".attention.key_length", dim / heads);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new GgufFormatException(file.path(), "head counts " + heads + "/" + kvHeads + " do not divide evenly");
        }
        int vocab = file.integer(arch + ".vocab_size", file.array("tokenizer.ggml.tokens", String[].class).length);
        float scale = 1f;
        if ("linear".equals(file.string(arch + ".rope.scaling.type", "none"))) {
            scale = 1f / file.real(arch + ".rope.scaling.factor", 1f);
        }
        return new ModelConfig(arch, dim, file.integer(arch + ".block_count"), heads, kvHeads, headDim,
                file.integer(arch + ".rope.dimension_count", headDim), file.integer(arch + ".feed_forward_length"), vocab,
                file.integer(arch + ".context_length", 2048), file.real(arch + ".attention.layer_norm_rms_epsilon", 1e-5f),
                file.real(arch + ".rope.freq_base", 10000f), scale, style);
    }
}
