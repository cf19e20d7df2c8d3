package io.hearth.pool;

import io.hearth.engine.embed.Pooling;

import java.nio.file.Path;

/**
 * A model the pool serves: its id (what clients name), where its GGUF file is, what a replica gets (threads, KV
 * cache tokens over all its sequences), how the pool scales it (changeable later through admin), for a model
 * fetched from a URL, where {@code source} is downloaded from before its first load (null for a local file), and
 * where its replicas run: {@code auto} (a CUDA device where there is one, else the CPU), {@code cpu} or {@code cuda:N},
 * and how its embeddings are pooled ({@code pooling}; null: as the model's file says, else mean).
 */
public record ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy, ModelDownload download, String device,
                        Pooling pooling) {
    public static final String AUTO = "auto";
    private static final String CUDA = "cuda:";

    /** Whether {@code device} names a device setting: auto, cpu or cuda:N. */
    public static boolean isDevice(String device) {
        return device != null && device.matches("auto|cpu|cuda:[0-9]{1,2}");
    }

    /** The N of {@code cuda:N}; -1 for any other device. */
    static int cudaIndex(String device) {
        return device.startsWith(CUDA) ? Integer.parseInt(device.substring(CUDA.length())) : -1;
    }

    public ModelSpec {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("model id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (!isDevice(device)) {
            throw new IllegalArgumentException("device '" + device + "' must be auto, cpu or cuda:N (N a device number)");
        }
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy, ModelDownload download, String device) {
        this(id, source, threads, kvTokens, policy, download, device, null);
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy, ModelDownload download) {
        this(id, source, threads, kvTokens, policy, download, AUTO);
    }

    /** The same model with another KV size (what admin's settings change). */
    public ModelSpec withKvTokens(int tokens) {
        return new ModelSpec(id, source, threads, tokens, policy, download, device, pooling);
    }

    /** The same model pooling its embeddings as {@code how} (null: as its file says). */
    public ModelSpec withPooling(Pooling how) {
        return new ModelSpec(id, source, threads, kvTokens, policy, download, device, how);
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens, PoolPolicy policy) {
        this(id, source, threads, kvTokens, policy, null);
    }

    public ModelSpec(String id, Path source, int threads, int kvTokens) {
        this(id, source, threads, kvTokens, PoolPolicy.DEFAULT);
    }
}
