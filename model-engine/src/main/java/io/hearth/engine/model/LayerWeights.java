package io.hearth.engine.model;

import io.hearth.engine.tensor.FloatTensor;

/** One transformer block. Biases are null where the architecture has none (llama); qwen2 has q/k/v biases. */
public record LayerWeights(float[] attnNorm, FloatTensor wq, FloatTensor wk, FloatTensor wv, float[] bq, float[] bk,
                           float[] bv, FloatTensor wo, float[] ffnNorm, FloatTensor wGate, FloatTensor wUp,
                           FloatTensor wDown) {
}
