package io.hearth.cuda;

import io.hearth.engine.gguf.GgufFile;
import io.hearth.engine.gguf.GgufTensorInfo;
import io.hearth.engine.model.LayerWeights;
import io.hearth.engine.model.Model;
import io.hearth.engine.model.Weights;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A model's weights in device memory, uploaded from its mapped file ({@link WeightUpload}) and freed together on
 * {@link #close} ({@code allocations}: every block uploaded). Tied models (no {@code output.weight}) upload the
 * embedding once and use it for both.
 */
record DeviceWeights(DeviceTensor embedding, List<Layer> layers, CudaMemory outputNorm, DeviceTensor output, List<CudaMemory> allocations)
        implements AutoCloseable {

    /** One transformer block; biases null where the architecture has none. */
    record Layer(CudaMemory attnNorm, DeviceTensor wq, DeviceTensor wk, DeviceTensor wv, CudaMemory bq, CudaMemory bk, CudaMemory bv,
                 DeviceTensor wo, CudaMemory ffnNorm, DeviceTensor wGate, DeviceTensor wUp, DeviceTensor wDown) {
    }

    /**
     * Device bytes the weights of a model take, from its file's header alone (so the pool can place a model it has not
     * loaded): matrices in their type, K-quant ones grown to F32; vectors as F32.
     */
    static long bytesFor(GgufFile file) {
        long bytes = 0;
        for (GgufTensorInfo t : file.tensors().values()) {
            bytes += t.dims().length == 2 ? DeviceTensor.deviceBytes(t.type(), t.columns(), t.rows()) : t.elementCount() * Float.BYTES;
        }
        return bytes;
    }

    /** Uploads every tensor of {@code model} to {@code device}, reporting percent done; on failure frees what it had uploaded. */
    static DeviceWeights upload(Model model, int device, IntConsumer progress) {
        Weights w = model.weights();
        List<CudaMemory> uploaded = new ArrayList<>();
        try (WeightUpload upload = new WeightUpload(device, bytesFor(model.file()), progress)) {
            DeviceTensor embedding = track(uploaded, upload.matrix(w.tokenEmbedding()));
            List<Layer> layers = new ArrayList<>();
            for (LayerWeights l : w.layers()) {
                layers.add(new Layer(track(uploaded, upload.vector(l.attnNorm())),
                        track(uploaded, upload.matrix(l.wq())), track(uploaded, upload.matrix(l.wk())), track(uploaded, upload.matrix(l.wv())),
                        optional(uploaded, upload, l.bq()), optional(uploaded, upload, l.bk()), optional(uploaded, upload, l.bv()),
                        track(uploaded, upload.matrix(l.wo())), track(uploaded, upload.vector(l.ffnNorm())),
                        track(uploaded, upload.matrix(l.wGate())), track(uploaded, upload.matrix(l.wUp())), track(uploaded, upload.matrix(l.wDown()))));
            }
            CudaMemory outputNorm = track(uploaded, upload.vector(w.outputNorm()));
            DeviceTensor output = w.output() == w.tokenEmbedding() ? embedding : track(uploaded, upload.matrix(w.output()));
            upload.finish();
            return new DeviceWeights(embedding, List.copyOf(layers), outputNorm, output, List.copyOf(uploaded));
        } catch (RuntimeException e) {
            closeAll(uploaded);
            throw e;
        }
    }

    private static DeviceTensor track(List<CudaMemory> uploaded, DeviceTensor tensor) {
        uploaded.add(tensor.memory());
        return tensor;
    }

    private static CudaMemory track(List<CudaMemory> uploaded, CudaMemory memory) {
        uploaded.add(memory);
        return memory;
    }

    private static CudaMemory optional(List<CudaMemory> uploaded, WeightUpload upload, float[] values) {
        return values == null ? null : track(uploaded, upload.vector(values));
    }

    /** Device bytes the weights hold. */
    long bytes() {
        return allocations.stream().mapToLong(CudaMemory::bytes).sum();
    }

    private static void closeAll(List<CudaMemory> memories) {
        for (CudaMemory m : memories) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // keep freeing the rest: a failed free leaves nothing more to do for that block
            }
        }
    }

    @Override
    public void close() {
        closeAll(allocations);
    }
}
