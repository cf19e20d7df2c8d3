package io.hearth.runtime.pool;

import io.hearth.engine.embed.Pooling;
import io.hearth.pool.ModelDownload;
import io.hearth.pool.ModelSpec;
import io.hearth.pool.PoolPolicy;
import io.hearth.pool.PrewarmSchedule;
import io.hearth.runtime.config.Durations;
import org.eclipse.microprofile.config.Config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which models the server runs, from MicroProfile Config:
 * <ul>
 *   <li>{@code hearth.models}: comma-separated model ids (default {@code default});</li>
 *   <li>{@code hearth.models.<id>.source}: the GGUF file of a model, or an http(s) URL it is downloaded from once
 *       into the model store (then {@code hearth.models.<id>.sha256} is required); the id {@code default} needs
 *       none, it is the built-in model generated into the model store;</li>
 *   <li>{@code hearth.models.<id>.threads}, {@code hearth.models.<id>.kv-tokens}: compute threads, and the KV cache
 *       of a replica in tokens over all its sequences (default 4096; the old name {@code context} is refused with
 *       the new one named, since it read as one sequence's context);</li>
 *   <li>{@code hearth.models.<id>.device}: {@code auto} (default: a CUDA device where the server has one, else the
 *       CPU), {@code cpu}, or {@code cuda:N};</li>
 *   <li>{@code hearth.models.<id>.min-warm}, {@code max-replicas}, {@code idle-timeout} (see {@link Durations}),
 *       {@code preload}, {@code max-batch}, {@code max-queue},
 *       {@code keep-alive-min}, {@code keep-alive-max}, {@code prewarm-schedule} ({@code 08:30-18:00,...}),
 *       {@code prewarm-predictive}: how the pool scales it (see {@link PoolPolicy});</li>
 *   <li>{@code hearth.models.<id>.pooling}: how {@code /v1/embeddings} pools the model's hidden states, {@code mean},
 *       {@code last} or {@code cls} (default: the file's {@code <arch>.pooling_type}, else mean);</li>
 *   <li>{@code hearth.models.<id>.fallback}: another configured model that serves the calls this one cannot;</li>
 *   <li>{@code hearth.model-store}: where generated and downloaded models are written (default {@code models} in the
 *       server directory).</li>
 * </ul>
 * Every key can also be set as an environment variable ({@code HEARTH_MODELS_DEFAULT_IDLE_TIMEOUT}). A model whose
 * settings cannot be used is not served, with the reason in {@code invalid}: it fails alone, the others serve.
 *
 * @param invalid the models whose settings were refused, and why
 */
public record PoolSettings(List<ModelSetting> models, Path modelStore, Map<String, String> invalid) {
    public static final String BUILT_IN_ID = "default";

    /** One model; {@code download} is set (and {@code source} is its place in the store) for a model fetched by URL. */
    public record ModelSetting(String id, Path source, ModelDownload download, int threads, int kvTokens, PoolPolicy policy, String fallback,
                               String device, Pooling pooling) {
    }

    /** The model that serves {@code model}'s calls when it cannot ({@code hearth.models.<id>.fallback}); null if none. */
    public String fallbackFor(String model) {
        return models.stream().filter(m -> m.id().equals(model)).map(ModelSetting::fallback).findFirst().orElse(null);
    }

    public static PoolSettings from(Config config) {
        String ids = config.getOptionalValue("hearth.models", String.class).orElse(BUILT_IN_ID);
        Path store = Path.of(config.getOptionalValue("hearth.model-store", String.class).orElse("models"));
        List<ModelSetting> models = new ArrayList<>();
        List<String> idList = Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Map<String, String> invalid = new LinkedHashMap<>();
        for (String id : idList) {
            try {
                models.add(model(config, id, idList, store));
            } catch (IllegalStateException | IllegalArgumentException e) {
                invalid.put(id, e.getMessage());
            }
        }
        return new PoolSettings(List.copyOf(models), store, Map.copyOf(invalid));
    }

    /** One model's settings; an IllegalStateException names the setting to fix. */
    private static ModelSetting model(Config config, String id, List<String> idList, Path store) {
        String prefix = "hearth.models." + id + ".";
        String sourceText = config.getOptionalValue(prefix + "source", String.class).map(String::trim).orElse(null);
        if (sourceText == null && !id.equals(BUILT_IN_ID)) {
            throw new IllegalStateException("model '" + id + "' has no source: set " + prefix + "source to a GGUF file or an http(s) URL");
        }
        ModelDownload download = null;
        Path source = null;
        if (sourceText != null && sourceText.matches("(?i)https?://.*")) {
            try {
                download = new ModelDownload(URI.create(sourceText), config.getOptionalValue(prefix + "sha256", String.class).orElse(null));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(prefix + "source/sha256: " + e.getMessage(), e);
            }
            source = store.resolve(download.sha256() + ".gguf");
        } else if (sourceText != null) {
            source = Path.of(sourceText);
        }
        int threads = config.getOptionalValue(prefix + "threads", Integer.class).orElse(Runtime.getRuntime().availableProcessors());
        if (config.getOptionalValue(prefix + "context", String.class).isPresent()) {
            throw new IllegalStateException(prefix + "context was renamed " + prefix + "kv-tokens: the KV cache of a replica in tokens over all its "
                    + "sequences (one sequence is bounded by the model's own context length)");
        }
        int kvTokens = config.getOptionalValue(prefix + "kv-tokens", Integer.class).orElse(4096);
        String device = config.getOptionalValue(prefix + "device", String.class).map(String::trim).orElse("auto");
        if (!ModelSpec.isDevice(device)) {
            throw new IllegalStateException(prefix + "device is '" + device + "': use auto, cpu or cuda:N (N the CUDA device number)");
        }
        String fallback = config.getOptionalValue(prefix + "fallback", String.class).map(String::trim).orElse(null);
        if (fallback != null && (fallback.equals(id) || !idList.contains(fallback))) {
            throw new IllegalStateException(prefix + "fallback is '" + fallback + "': name another model of hearth.models " + idList);
        }
        Pooling pooling;
        try {
            pooling = config.getOptionalValue(prefix + "pooling", String.class).map(Pooling::parse).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + "pooling: " + e.getMessage(), e);
        }
        return new ModelSetting(id, source, download, threads, kvTokens, policy(config, prefix), fallback, device, pooling);
    }

    private static PoolPolicy policy(Config config, String prefix) {
        PoolPolicy d = PoolPolicy.DEFAULT;
        try {
            return new PoolPolicy(
                    config.getOptionalValue(prefix + "min-warm", Integer.class).orElse(d.minWarm()),
                    config.getOptionalValue(prefix + "max-replicas", Integer.class).orElse(d.maxReplicas()),
                    config.getOptionalValue(prefix + "idle-timeout", String.class).map(Durations::parse).orElse(d.idleTimeout()),
                    config.getOptionalValue(prefix + "preload", Boolean.class).orElse(d.preload()),
                    config.getOptionalValue(prefix + "max-batch", Integer.class).orElse(d.maxBatch()),
                    config.getOptionalValue(prefix + "max-queue", Integer.class).orElse(d.maxQueue()),
                    config.getOptionalValue(prefix + "keep-alive-min", String.class).map(Durations::parse).orElse(d.keepAliveMin()),
                    config.getOptionalValue(prefix + "keep-alive-max", String.class).map(Durations::parse).orElse(d.keepAliveMax()),
                    config.getOptionalValue(prefix + "prewarm-schedule", String.class).map(PrewarmSchedule::parse).orElse(d.prewarmSchedule()),
                    config.getOptionalValue(prefix + "prewarm-predictive", Boolean.class).orElse(d.predictivePrewarm()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + "*: " + e.getMessage(), e);
        }
    }
}
