package io.hearth.runtime.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The audit log: one JSON object per line for every admin action and every invocation, in files that rotate
 * ({@code hearth.audit.file}, default {@code logs/audit.%g.jsonl} in the server directory, {@code %g} the generation;
 * {@code hearth.audit.max-bytes} 10 MB a file, {@code hearth.audit.files} 5 kept). Prompt text is written only when {@code hearth.audit.prompts} is true. If
 * the file cannot be opened the server serves on and says so once, rather than refuse every request.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Config config;

    private volatile FileHandler file;
    private volatile boolean opened;

    public void write(Map<String, Object> entry) {
        FileHandler out = open();
        if (out == null) return;
        try {
            LogRecord record = new LogRecord(Level.INFO, JSON.writeValueAsString(entry));
            out.publish(record);
            out.flush();
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "an audit entry could not be written", e);
        }
    }

    private synchronized FileHandler open() {
        if (opened) return file;
        opened = true;
        String pattern = config.getOptionalValue("hearth.audit.file", String.class).orElse("logs/audit.%g.jsonl");
        try {
            Path parent = Path.of(pattern).toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            FileHandler handler = new FileHandler(pattern, config.getOptionalValue("hearth.audit.max-bytes", Long.class).orElse(10L << 20),
                    config.getOptionalValue("hearth.audit.files", Integer.class).orElse(5), true);
            handler.setFormatter(new Formatter() {
                @Override
                public String format(LogRecord record) {
                    return record.getMessage() + "\n";
                }
            });
            file = handler;
            LOG.info(() -> "audit log: " + Path.of(pattern).toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "the audit log " + pattern + " cannot be opened; admin actions and invocations are not audited", e);
        }
        return file;
    }

    @PreDestroy
    void close() {
        if (file != null) file.close();
    }
}
