package io.hearth.runtime.pool;

import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which models the server runs, from MicroProfile Config:
 * <ul>
 *   <li>{@code hearth.models}: comma-separated model ids (default {@code default});</li>
 *   <li>{@code hearth.models.<id>.source}: the GGUF file of a model; the id {@code default} needs none, it is the
 *       built-in model generated into the model store;</li>
 *   <li>{@code hearth.models.<id>.threads}, {@code hearth.models.<id>.context}: compute threads and KV tokens;</li>
 *   <li>{@code hearth.model-store}: where generated models are written (default {@code models} in the server directory).</li>
 * </ul>
 * Every key can also be set as an environment variable ({@code HEARTH_MODELS_DEFAULT_CONTEXT}).
 */
public record PoolSettings(List<ModelSetting> models, Path modelStore) {
    public static final String BUILT_IN_ID = "default";

    public record ModelSetting(String id, Path source, int threads, int context) {
    }

    public static PoolSettings from(Config config) {
        String ids = config.getOptionalValue("hearth.models", String.class).orElse(BUILT_IN_ID);
        Path store = Path.of(config.getOptionalValue("hearth.model-store", String.class).orElse("models"));
        List<ModelSetting> models = new ArrayList<>();
        for (String id : Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            String prefix = "hearth.models." + id + ".";
            Path source = config.getOptionalValue(prefix + "source", String.class).map(Path::of).orElse(null);
            if (source == null && !id.equals(BUILT_IN_ID)) {
                throw new IllegalStateException("model '" + id + "' has no source: set " + prefix + "source to a GGUF file");
            }
            int threads = config.getOptionalValue(prefix + "threads", Integer.class).orElse(Runtime.getRuntime().availableProcessors());
            int context = config.getOptionalValue(prefix + "context", Integer.class).orElse(4096);
            models.add(new ModelSetting(id, source, threads, context));
        }
        return new PoolSettings(List.copyOf(models), store);
    }
}
