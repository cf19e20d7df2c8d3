package io.hearth.cuda;

import io.hearth.engine.tensor.GgmlType;

import java.util.EnumSet;
import java.util.Set;

/**
 * The forward pass's kernels on device memory, each queued on a stream (they run in order, after what is queued
 * before; {@link CudaStream#synchronize} waits for them). Shapes are checked here, where a mistake can still be a
 * clear exception rather than a kernel reading past its buffer.
 */
public final class CudaKernels {
    private CudaKernels() {
    }

    /** {@code out[r] = x[r] / sqrt(mean(x[r]²) + eps) · weight} for {@code rows} rows of {@code n} floats. */
    public static void rmsnorm(CudaStream stream, CudaMemory out, CudaMemory x, CudaMemory weight, int rows, int n, float eps) {
        long floats = (long) rows * n * Float.BYTES;
        require(x.bytes() >= floats && out.bytes() >= floats && weight.bytes() >= (long) n * Float.BYTES, "rmsnorm: buffers smaller than " + rows + "×" + n);
        sameDevice(out, x, weight);
        CudaDevices.library().rmsnorm(out.device(), stream.handle(), out.pointer(), x.pointer(), weight.pointer(), rows, n, eps);
    }

    /** The weight types the products and the embedding lookup read on the device, in GGUF's layouts. */
    public static final Set<GgmlType> MATMUL_TYPES = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    /**
     * {@code out[t·rows + r] = W[r] · x[t·cols ..]} for {@code tokens} tokens and weights of {@code rows × cols} in
     * {@code type} (dequantized inside the kernel), as the CPU engine's MatMul. From 16 tokens on (prefill) on tensor
     * cores, with weights and activations rounded to fp16 and fp32 sums; below, one warp per row reading each weight
     * once for up to 8 tokens, in fp32.
     */
    public static void matmul(CudaStream stream, GgmlType type, CudaMemory out, CudaMemory weights, CudaMemory x, int tokens, int rows, int cols) {
        require(MATMUL_TYPES.contains(type), "matmul: " + type + " weights are not supported on the GPU (supported: " + MATMUL_TYPES + ")");
        require(cols % type.blockSize() == 0 && cols % 2 == 0, "matmul: cols must be a multiple of " + Math.max(2, type.blockSize()) + " for " + type + ", got " + cols);
        require(tokens >= 1 && rows >= 1, "matmul: " + tokens + " tokens × " + rows + " rows");
        long rowBytes = type.bytesFor(cols);
        require(weights.bytes() >= rowBytes * rows, "matmul: weights smaller than " + rows + "×" + cols + " " + type);
        require(x.bytes() >= (long) tokens * cols * Float.BYTES && out.bytes() >= (long) tokens * rows * Float.BYTES,
                "matmul: x or out smaller than " + tokens + " tokens");
        sameDevice(out, weights, x);
        CudaDevices.library().matmul(out.device(), stream.handle(), type.id(), out.pointer(), weights.pointer(), x.pointer(), tokens, rows, cols, rowBytes);
    }

    /** {@code out[t] = table[tokenIds[t]]}, dequantized: the embedding lookup of {@code tokens} tokens (int ids on the device). */
    public static void embed(CudaStream stream, GgmlType type, CudaMemory out, CudaMemory table, CudaMemory tokenIds, int tokens, int cols,
                             long rows) {
        require(MATMUL_TYPES.contains(type), "embed: " + type + " tables are not supported on the GPU (supported: " + MATMUL_TYPES + ")");
        require(cols % type.blockSize() == 0 && cols % 2 == 0, "embed: cols must be a multiple of " + Math.max(2, type.blockSize()) + " for " + type);
        long rowBytes = type.bytesFor(cols);
        require(table.bytes() >= rowBytes * rows, "embed: table smaller than " + rows + "×" + cols + " " + type);
        require(tokenIds.bytes() >= (long) tokens * Integer.BYTES && out.bytes() >= (long) tokens * cols * Float.BYTES,
                "embed: token ids or out smaller than " + tokens + " tokens");
        sameDevice(out, table, tokenIds);
        CudaDevices.library().embed(out.device(), stream.handle(), type.id(), out.pointer(), table.pointer(), tokenIds.pointer(), tokens, cols, rowBytes);
    }

    /**
     * Rotates every head of {@code tokens} tokens ({@code [token][head][headDim]}) by angles given per token and pair
     * ({@code cos/sin[token][ropeDims/2]}, as the CPU backend computes them); pairs adjacent (llama) or half a
     * rotation apart (neox, qwen2).
     */
    public static void rope(CudaStream stream, CudaMemory x, int tokens, int heads, int headDim, int ropeDims, CudaMemory cos, CudaMemory sin,
                            boolean adjacentPairs) {
        require(ropeDims % 2 == 0 && ropeDims <= headDim, "rope: ropeDims " + ropeDims + " must be even and at most headDim " + headDim);
        require(x.bytes() >= (long) tokens * heads * headDim * Float.BYTES, "rope: x smaller than " + tokens + "×" + heads + "×" + headDim);
        long table = (long) tokens * (ropeDims / 2) * Float.BYTES;
        require(cos.bytes() >= table && sin.bytes() >= table, "rope: angle tables smaller than " + tokens + "×" + ropeDims / 2);
        sameDevice(x, cos, sin);
        CudaDevices.library().rope(x.device(), stream.handle(), x.pointer(), tokens, heads, headDim, ropeDims, cos.pointer(), sin.pointer(), adjacentPairs);
    }

    /** Writes each token's key and value ({@code [token][kvDim]}) to its slot of one layer's cache ({@code [slot][kvDim]}). */
    public static void kvStore(CudaStream stream, CudaMemory cacheK, CudaMemory cacheV, CudaMemory k, CudaMemory v, CudaMemory slots, int tokens, int kvDim) {
        long row = (long) kvDim * Float.BYTES;
        require(k.bytes() >= tokens * row && v.bytes() >= tokens * row, "kv_store: k or v smaller than " + tokens + " tokens");
        require(slots.bytes() >= (long) tokens * Integer.BYTES, "kv_store: fewer slots than tokens");
        require(cacheK.bytes() == cacheV.bytes() && cacheK.bytes() % row == 0, "kv_store: caches must be whole, equal slot arrays");
        sameDevice(cacheK, cacheV, k, v, slots);
        CudaDevices.library().kvStore(cacheK.device(), stream.handle(), cacheK.pointer(), cacheV.pointer(), k.pointer(), v.pointer(), slots.pointer(), tokens, kvDim);
    }

    /**
     * Causal attention over paged KV for {@code tokens} queries ({@code [token][head][headDim]}): token t attends to
     * the slots {@code slotTable[offsets[t] .. offsets[t] + lengths[t])} (its sequence's positions up to its own),
     * heads sharing kv heads in groups (GQA). {@code scratch} holds {@code tokens × heads × maxLength} scores.
     */
    public static void attention(CudaStream stream, CudaMemory out, CudaMemory q, CudaMemory cacheK, CudaMemory cacheV, CudaMemory slotTable,
                                 CudaMemory offsets, CudaMemory lengths, int tokens, int heads, int kvHeads, int headDim,
                                 CudaMemory scratch, int maxLength) {
        require(kvHeads >= 1 && heads % kvHeads == 0, "attention: " + heads + " heads cannot share " + kvHeads + " kv heads evenly");
        long queries = (long) tokens * heads * headDim * Float.BYTES;
        require(q.bytes() >= queries && out.bytes() >= queries, "attention: q or out smaller than " + tokens + "×" + heads + "×" + headDim);
        require(offsets.bytes() >= (long) tokens * Integer.BYTES && lengths.bytes() >= (long) tokens * Integer.BYTES,
                "attention: offsets or lengths shorter than " + tokens);
        require(scratch.bytes() >= (long) tokens * heads * maxLength * Float.BYTES, "attention: scratch smaller than tokens × heads × maxLength");
        require(cacheK.bytes() == cacheV.bytes() && cacheK.bytes() % ((long) kvHeads * headDim * Float.BYTES) == 0,
                "attention: caches must be whole, equal slot arrays");
        sameDevice(out, q, cacheK, cacheV, slotTable, offsets, lengths, scratch);
        CudaDevices.library().attention(out.device(), stream.handle(), out.pointer(), q.pointer(), cacheK.pointer(), cacheV.pointer(), slotTable.pointer(),
                offsets.pointer(), lengths.pointer(), tokens, heads, kvHeads, headDim, (float) (1 / Math.sqrt(headDim)), scratch.pointer(), maxLength);
    }

    /** {@code gate[i] = silu(gate[i]) · up[i]} for {@code n} floats, in place: the FFN's SwiGLU. */
    public static void swiglu(CudaStream stream, CudaMemory gate, CudaMemory up, long n) {
        require(gate.bytes() >= n * Float.BYTES && up.bytes() >= n * Float.BYTES, "swiglu: buffers smaller than " + n + " floats");
        sameDevice(gate, up);
        CudaDevices.library().swiglu(gate.device(), stream.handle(), gate.pointer(), up.pointer(), n);
    }

    /**
     * {@code x[i] += y[i % period]} for {@code n} floats: a residual add ({@code period == n}) or a bias added to each
     * row of {@code period} floats.
     */
    public static void add(CudaStream stream, CudaMemory x, CudaMemory y, long n, long period) {
        require(period >= 1 && n % period == 0, "add: " + n + " floats are not whole rows of " + period);
        require(x.bytes() >= n * Float.BYTES && y.bytes() >= period * Float.BYTES, "add: buffers smaller than " + n + " and " + period + " floats");
        sameDevice(x, y);
        CudaDevices.library().add(x.device(), stream.handle(), x.pointer(), y.pointer(), n, period);
    }

    private static void sameDevice(CudaMemory first, CudaMemory... others) {
        for (CudaMemory m : others) require(m.device() == first.device(), "buffers on devices " + first.device() + " and " + m.device());
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
