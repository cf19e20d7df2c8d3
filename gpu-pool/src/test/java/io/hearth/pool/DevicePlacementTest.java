package io.hearth.pool;

import io.hearth.cuda.CudaDevices;
import io.hearth.cuda.CudaMemory;
import io.hearth.engine.generate.GenerationResult;
import io.hearth.engine.sample.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where replicas run: {@code auto} on the CPU without a GPU and on {@code cuda:0} with one (same greedy output as
 * the CPU, and the device's memory given back on evict); {@code cuda:N} on a server without it fails that model
 * with the reason, the others serve; a device setting that is not one is refused.
 */
class DevicePlacementTest {
    @TempDir
    Path dir;

    private ModelSpec spec(String id, Path file, String device) {
        return new ModelSpec(id, file, 2, 256, PoolPolicy.DEFAULT, null, device);
    }

    /** A short prompt: below 16 tokens both devices compute in fp32, so greedy tokens agree. */
    private static GenerationResult greedy(WarmModelPool pool, String model) {
        return pool.generate(model, ModelRequest.text("hello", SamplingParams.greedy(8)), (t, s) -> { }).generation();
    }

    @Test
    void withoutAGpuAutoRunsOnTheCpuAndCudaIsRefusedWithTheReason() throws Exception {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeTrue(found.devices().isEmpty(), "a GPU is here: the other test covers placement on it");
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        try (WarmModelPool pool = new WarmModelPool(List.of(spec("anywhere", file, "auto"), spec("gpu-only", file, "cuda:0")))) {
            assertEquals("cpu", pool.models().stream().filter(m -> m.id().equals("anywhere")).findFirst().orElseThrow().device());
            assertTrue(greedy(pool, "anywhere").tokens().length > 0, "the CPU replica serves");
            String reason = pool.failures().get("gpu-only");
            assertTrue(reason != null && reason.contains("cuda:0") && reason.contains(found.unavailable()), String.valueOf(reason));
            ModelUnavailableException refused = assertThrows(ModelUnavailableException.class, () -> greedy(pool, "gpu-only"));
            assertTrue(refused.getMessage().contains("cuda:0"), refused.getMessage());
        }
    }

    @Test
    void aDeviceSettingThatIsNotOneIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> spec("m", dir.resolve("m.gguf"), "gpu0"));
        assertTrue(refused.getMessage().contains("auto, cpu or cuda:N"), refused.getMessage());
    }

    @Test
    void onAGpuAutoPlacesTheReplicaOnCudaZeroWithTheCpusOutput() throws Exception {
        CudaDevices.Discovery found = CudaDevices.discover();
        assumeFalse(found.devices().isEmpty(), "no CUDA device here: " + found.unavailable());
        Path file = TestModels.tiny(dir, "tiny.gguf", 42);
        long heldBefore = CudaMemory.allocatedBytes(0);
        try (WarmModelPool pool = new WarmModelPool(List.of(spec("gpu", file, "auto"), spec("cpu", file, "cpu")))) {
            assertEquals("cuda:0", pool.models().stream().filter(m -> m.id().equals("gpu")).findFirst().orElseThrow().device());
            GenerationResult onGpu = greedy(pool, "gpu"), onCpu = greedy(pool, "cpu");
            assertArrayEquals(onCpu.tokens(), onGpu.tokens(), "greedy tokens agree across devices");
            PoolInfo info = pool.pool("gpu");
            assertEquals("cuda:0", info.replicas().getFirst().device());
            assertTrue(CudaMemory.allocatedBytes(0) > heldBefore, "the replica's weights and KV are on the GPU");
            pool.evict("gpu");
            Eventually.await("evicting gives the GPU's memory back", () -> CudaMemory.allocatedBytes(0) == heldBefore);
        }
    }
}
