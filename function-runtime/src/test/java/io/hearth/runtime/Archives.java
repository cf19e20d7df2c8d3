package io.hearth.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds function archives in memory for tests. */
public final class Archives {
    private Archives() {
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] promptFunction(String name, String version, String template) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", ("name: " + name + "\nversion: " + version + "\nmodel: default\nkind: prompt\n"
                + "prompt:\n  template: \"" + template + "\"\ndefaults:\n  max_tokens: 4\n  temperature: 0\n").getBytes(StandardCharsets.UTF_8));
        return zip(entries);
    }
}
