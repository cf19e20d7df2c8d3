package io.hearth.runtime.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hearth.pool.ModelUnavailableException;
import io.hearth.pool.PoolAdmin;
import io.hearth.pool.PoolInfo;
import io.hearth.runtime.files.AtomicFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ops' changes to the pools' policies (REST or JMX) outlive a restart: each change is applied, then merged into what
 * was changed before for that model and written to {@code hearth.settings.file} (default
 * {@code settings/pool-policies.json} in the server directory, replaced whole); at start the stored
 * changes are applied again over the configured settings. A change that cannot be written is applied and reported.
 */
@ApplicationScoped
public class PolicyStore {
    private static final Logger LOG = Logger.getLogger(PolicyStore.class.getName());
    // a field of another version of Hearth does not cost every stored change
    private static final ObjectMapper JSON = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Inject
    Config config;
    @Inject
    PoolAdmin admin;

    private final Map<String, PolicyChange> changes = new LinkedHashMap<>();

    void replay(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Path file = file();
        if (!Files.exists(file)) return;
        try {
            changes.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, PolicyChange>>() { }));
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "the stored pool policies in " + file + " cannot be read; the configured ones apply", e);
            return;
        }
        changes.forEach((model, change) -> {
            try {
                change.applyTo(admin, model);
                LOG.info(() -> "pool policy of " + model + " as ops last changed it: " + change);
            } catch (ModelUnavailableException | IllegalArgumentException e) {
                LOG.warning(() -> "the stored policy of " + model + " no longer applies: " + e.getMessage());
            }
        });
    }

    /** Applies a change to {@code model}'s pool and keeps it for the next start. */
    public synchronized PoolInfo apply(String model, PolicyChange change) {
        PoolInfo applied = change.applyTo(admin, model);
        changes.merge(model, change, PolicyChange::then);
        try {
            AtomicFiles.write(file(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(changes));
        } catch (IOException e) {
            throw new UncheckedIOException("the policy of " + model + " is changed but not saved; it lasts until the server stops", e);
        }
        return applied;
    }

    private Path file() {
        return Path.of(config.getOptionalValue("hearth.settings.file", String.class).orElse("settings/pool-policies.json"));
    }
}
