package io.hearth.engine.model;

import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.gguf.GgufFormatException;
import io.hearth.engine.gguf.GgufTensorInfo;
import io.hearth.engine.tensor.FloatTensor;

/**
 * All tensors of a model as views into the mapped file. Tied models have no {@code output.weight}: their logits
 * come from the token embedding. {@code ropeFreqFactors} (Llama 3.1+ scaling) divides each rotary frequency.
 */
public record Weights(FloatTensor tokenEmbedding, LayerWeights[] layers, float[] outputNorm, FloatTensor output,
                      float[] ropeFreqFactors) {

    public static Weights load(GgufFile file, ModelConfig config) {
        FloatTensor embedding = matrix(file, "token_embd.weight", config.dim(), config.vocabSize());
        LayerWeights[] layers = new LayerWeights[config.layers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    vector(file, p + "attn_norm.weight", config.dim()),
                    matrix(file, p + "attn_q.weight", config.dim(), config.qDim()),
                    matrix(file, p + "attn_k.weight", config.dim(), config.kvDim()),
                    matrix(file, p + "attn_v.weight", config.dim(), config.kvDim()),
                    optionalVector(file, p + "attn_q.bias", config.qDim()),
                    optionalVector(file, p + "attn_k.bias", config.kvDim()),
                    optionalVector(file, p + "attn_v.bias", config.kvDim()),
                    matrix(file, p + "attn_output.weight", config.qDim(), config.dim()),
                    vector(file, p + "ffn_norm.weight", config.dim()),
                    matrix(file, p + "ffn_gate.weight", config.dim(), config.ffDim()),
                    matrix(file, p + "ffn_up.weight", config.dim(), config.ffDim()),
                    matrix(file, p + "ffn_down.weight", config.ffDim(), config.dim()));
        }
        FloatTensor output = file.tensors().containsKey("output.weight")
                ? matrix(file, "output.weight", config.dim(), config.vocabSize()) : embedding;
        return new Weights(embedding, layers, vector(file, "output_norm.weight", config.dim()), output,
                optionalVector(file, "rope_freqs.weight", config.ropeDims() / 2));
    }

    private static FloatTensor matrix(GgufFile file, String name, int columns, int rows) {
        GgufTensorInfo info = file.tensor(name);
        if (info.dims().length != 2 || info.dims()[0] != columns || info.dims()[1] != rows) {
            throw new GgufFormatException(file.path(), "tensor " + name + " has shape " + java.util.Arrays.toString(info.dims())
                    + ", expected [" + columns + ", " + rows + "]");
        }
        return FloatTensor.of(info.type(), file.tensorData(info), columns, rows);
    }

    private static float[] vector(GgufFile file, String name, int length) {
        GgufTensorInfo info = file.tensor(name);
        if (info.elementCount() != length) {
            throw new GgufFormatException(file.path(), "tensor " + name + " has " + info.elementCount()
                    + " elements, expected " + length);
        }
        float[] values = new float[length];
        FloatTensor.of(info.type(), file.tensorData(info), length, 1).dequantizeRow(0, values, 0);
        return values;
    }

    private static float[] optionalVector(GgufFile file, String name, int length) {
        return file.tensors().containsKey(name) ? vector(file, name, length) : null;
    }

    /** Bytes of weights read to produce one token: every matrix once, one embedding row. */
    public long bytesPerToken() {
        long bytes = output.byteSize() + tokenEmbedding.byteSize() / tokenEmbedding.rows();
        for (LayerWeights l : layers) {
            bytes += l.wq().byteSize() + l.wk().byteSize() + l.wv().byteSize() + l.wo().byteSize()
                    + l.wGate().byteSize() + l.wUp().byteSize() + l.wDown().byteSize();
        }
        return bytes;
    }
}
