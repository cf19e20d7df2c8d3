package io.hearth.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend's working memory for one step, on the device, grown (doubled) when a step needs more and kept
 * between steps: activations per token, the step's int inputs (token ids, slots, slot tables), RoPE angles,
 * attention scores, the output rows (normed) and logits; plus a pinned buffer the host stages inputs and outputs through.
 */
final class StepBuffers implements AutoCloseable {
    private final int device;
    private final List<CudaMemory> held = new ArrayList<>();
    private int tokens, rows, logitRows, tableSlots;
    private long scoreFloats;
    CudaMemory x, xb, q, k, v, att, gate, up, tokenIds, slots, offsets, lengths, cos, sin, slotTable, scores, outputRows, normed, logits;
    private PinnedBuffer staging;

    StepBuffers(int device) {
        this.device = device;
    }

    /**
     * Makes every buffer big enough for a step of these sizes (floats per token from the model's shape): {@code rows}
     * outputs, of which {@code logitRows} want logits (a vocabulary each; the rest, hidden states, a width each).
     */
    void ensure(int tokens, int rows, int logitRows, int tableSlots, long scoreFloats, Shape s) {
        if (tokens > this.tokens) {
            this.tokens = Math.max(tokens, 2 * this.tokens);
            int t = this.tokens;
            x = replace(x, (long) t * s.dim());
            xb = replace(xb, (long) t * s.dim());
            q = replace(q, (long) t * s.qDim());
            k = replace(k, (long) t * s.kvDim());
            v = replace(v, (long) t * s.kvDim());
            att = replace(att, (long) t * s.qDim());
            gate = replace(gate, (long) t * s.ffDim());
            up = replace(up, (long) t * s.ffDim());
            tokenIds = replace(tokenIds, t);
            slots = replace(slots, t);
            offsets = replace(offsets, t);
            lengths = replace(lengths, t);
            cos = replace(cos, (long) t * s.ropeDims() / 2);
            sin = replace(sin, (long) t * s.ropeDims() / 2);
        }
        if (rows > this.rows) {
            this.rows = Math.max(rows, 2 * this.rows);
            outputRows = replace(outputRows, this.rows);
            normed = replace(normed, (long) this.rows * s.dim());
        }
        if (logitRows > this.logitRows) {
            this.logitRows = Math.max(logitRows, 2 * this.logitRows);
            logits = replace(logits, (long) this.logitRows * s.vocab());
        }
        if (tableSlots > this.tableSlots) {
            this.tableSlots = Math.max(tableSlots, 2 * this.tableSlots);
            slotTable = replace(slotTable, this.tableSlots);
        }
        if (scoreFloats > this.scoreFloats) {
            this.scoreFloats = Math.max(scoreFloats, 2 * this.scoreFloats);
            scores = replace(scores, this.scoreFloats);
        }
        long stagingBytes = 4L * Math.max(Math.max((long) this.logitRows * s.vocab(), (long) this.rows * s.dim()),
                4L * this.tokens + this.tableSlots + (long) this.tokens * s.ropeDims() + this.rows);
        if (staging == null || staging.bytes() < stagingBytes) {
            if (staging != null) staging.close();
            staging = PinnedBuffer.allocate(stagingBytes);
        }
    }

    /** The model dimensions the buffers are sized by. */
    record Shape(int dim, int qDim, int kvDim, int ffDim, int ropeDims, int vocab) {
    }

    /**
     * Queues a copy of {@code values} (a heap array's segment) into {@code target} through the staging buffer at
     * {@code stagingOffset}; answers the staging offset after it.
     */
    long send(MemorySegment values, CudaMemory target, long stagingOffset, CudaStream stream) {
        MemorySegment part = staging.segment().asSlice(stagingOffset, values.byteSize());
        part.copyFrom(values);
        target.copyFromAsync(0, part, stream);
        return stagingOffset + part.byteSize();
    }

    /**
     * Copies {@code floats} floats from {@code offset} (in floats) of {@code source} back, waiting for the stream (and
     * so for the whole step); nothing to copy answers an empty array without waiting.
     */
    float[] receive(CudaMemory source, long offset, long floats, CudaStream stream) {
        if (floats == 0) return new float[0];
        MemorySegment part = staging.segment().asSlice(0, floats * Float.BYTES);
        source.copyToAsync(offset * Float.BYTES, part, stream);
        stream.synchronize();
        return part.toArray(ValueLayout.JAVA_FLOAT);
    }

    private CudaMemory replace(CudaMemory old, long elements) {
        if (old != null) {
            held.remove(old);
            old.close();
        }
        CudaMemory memory = CudaMemory.allocate(device, Math.max(1, elements) * 4);
        held.add(memory);
        return memory;
    }

    @Override
    public void close() {
        for (CudaMemory m : held) m.close();
        held.clear();
        if (staging != null) staging.close();
    }
}
