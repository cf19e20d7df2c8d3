package io.hearth.engine.genmodel;

import io.hearth.engine.compute.WorkerPool;
import io.hearth.engine.gguf.GgufWriter;
import io.hearth.engine.model.Model;
import io.hearth.engine.tensor.GgmlType;
import io.hearth.engine.tensor.Quantizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a llama-architecture GGUF with random weights of a named shape: the same file for the same shape, type
 * and seed on every machine. Matrices are uniform with the standard deviations of the conformance models
 * (1/√fan_in; embeddings 1; output 4/√dim), so activations stay in a realistic range; 1-D norms are F32 near 1.
 * The file is marked {@value Model#RANDOM_WEIGHTS_KEY} so every listing can say its output is noise.
 */
public final class ModelGenerator {
    private ModelGenerator() {
    }

    public static void write(ModelShape shape, GgmlType type, long seed, Path path, WorkerPool pool) throws IOException {
        SyntheticVocabulary vocab = SyntheticVocabulary.of(shape.vocab());
        int kvDim = shape.kvHeads() * shape.headDim();
        GgufWriter w = new GgufWriter()
                .put("general.architecture", "llama")
                .put("general.name", "hearth-random-" + shape.name() + "-" + type.name().toLowerCase())
                .put("general.file_type", fileType(type))
                .put("general.alignment", 32)
                .put(Model.RANDOM_WEIGHTS_KEY, true)
                .put("llama.context_length", shape.context())
                .put("llama.embedding_length", shape.dim())
                .put("llama.block_count", shape.layers())
                .put("llama.feed_forward_length", shape.ffDim())
                .put("llama.attention.head_count", shape.heads())
                .put("llama.attention.head_count_kv", shape.kvHeads())
                .put("llama.rope.freq_base", shape.ropeTheta())
                .put("llama.rope.dimension_count", shape.headDim())
                .put("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .put("llama.vocab_size", shape.vocab())
                .put("tokenizer.ggml.model", "llama")
                .put("tokenizer.ggml.pre", "default")
                .put("tokenizer.ggml.tokens", vocab.tokens)
                .put("tokenizer.ggml.scores", vocab.scores)
                .put("tokenizer.ggml.token_type", vocab.types)
                .put("tokenizer.ggml.bos_token_id", 1)
                .put("tokenizer.ggml.eos_token_id", 2)
                .put("tokenizer.ggml.unknown_token_id", 0)
                .put("tokenizer.ggml.add_bos_token", true)
                .put("tokenizer.chat_template", io.hearth.engine.chat.ChatTemplate.CHATML);

        int tensorIndex = 0;
        float inStd = (float) (1 / Math.sqrt(shape.dim())), ffStd = (float) (1 / Math.sqrt(shape.ffDim()));
        w.tensor("token_embd.weight", type, shape.dim(), shape.vocab(), uniform(type, shape.dim(), 1f, 0f, seed, tensorIndex++));
        if (shape.llama3RopeScaling()) {
            float[] factors = llama3FreqFactors(shape);
            w.tensor("rope_freqs.weight", GgmlType.F32, factors.length, 1, (first, count, out) -> {
                for (float f : factors) out.putFloat(f);
            });
        }
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", GgmlType.F32, shape.dim(), 1, uniform(GgmlType.F32, shape.dim(), 0.1f, 1f, seed, tensorIndex++));
            w.tensor(p + "attn_q.weight", type, shape.dim(), shape.dim(), uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "attn_k.weight", type, shape.dim(), kvDim, uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "attn_v.weight", type, shape.dim(), kvDim, uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "attn_output.weight", type, shape.dim(), shape.dim(), uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "ffn_norm.weight", GgmlType.F32, shape.dim(), 1, uniform(GgmlType.F32, shape.dim(), 0.1f, 1f, seed, tensorIndex++));
            w.tensor(p + "ffn_gate.weight", type, shape.dim(), shape.ffDim(), uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "ffn_up.weight", type, shape.dim(), shape.ffDim(), uniform(type, shape.dim(), inStd, 0f, seed, tensorIndex++));
            w.tensor(p + "ffn_down.weight", type, shape.ffDim(), shape.dim(), uniform(type, shape.ffDim(), ffStd, 0f, seed, tensorIndex++));
        }
        w.tensor("output_norm.weight", GgmlType.F32, shape.dim(), 1, uniform(GgmlType.F32, shape.dim(), 0.1f, 1f, seed, tensorIndex++));
        if (!shape.tiedEmbeddings()) {
            w.tensor("output.weight", type, shape.dim(), shape.vocab(), uniform(type, shape.dim(), 4 * inStd, 0f, seed, tensorIndex));
        }
        w.write(path, pool);
    }

    /** Rows of uniform values with the given standard deviation around {@code mean}, one random stream per row. */
    private static GgufWriter.RowSource uniform(GgmlType type, int columns, float std, float mean, long seed, int tensor) {
        float halfWidth = (float) (std * Math.sqrt(3));
        return (first, count, out) -> {
            float[] row = new float[columns];
            for (int r = 0; r < count; r++) {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + tensor * 7_919L + (first + r) * 104_729L);
                for (int c = 0; c < columns; c++) row[c] = mean + halfWidth * (2 * random.nextFloat() - 1);
                Quantizer.quantize(type, row, 0, columns, out);
            }
        };
    }

    /** Llama 3.1's rope frequency factors (llama.cpp convert_hf_to_gguf, factor 32, low 1, high 4, original 8192). */
    private static float[] llama3FreqFactors(ModelShape shape) {
        int half = shape.headDim() / 2;
        float[] factors = new float[half];
        double factor = 32, lowFreqFactor = 1, highFreqFactor = 4, original = 8192;
        double lowWavelength = original / lowFreqFactor, highWavelength = original / highFreqFactor;
        for (int i = 0; i < half; i++) {
            double freq = 1.0 / Math.pow(shape.ropeTheta(), 2.0 * i / shape.headDim());
            double wavelength = 2 * Math.PI / freq;
            if (wavelength < highWavelength) factors[i] = 1f;
            else if (wavelength > lowWavelength) factors[i] = (float) factor;
            else {
                double smooth = (original / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    /** llama.cpp's general.file_type for a model whose matrices are all of one type. */
    private static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 15;
            case Q6_K -> 18;
            case BF16 -> 32;
        };
    }
}
