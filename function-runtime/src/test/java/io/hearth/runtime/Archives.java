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

    /**
     * Compiles one class of package {@code fn} against function-api, in {@code dir}; returns its class file. The
     * source is the class's body, with io.hearth.function.* and java.util.* imported.
     */
    public static byte[] compiled(java.nio.file.Path dir, String simpleName, String source) throws Exception {
        java.nio.file.Path src = java.nio.file.Files.createDirectories(dir.resolve("src"));
        java.nio.file.Files.writeString(src.resolve(simpleName + ".java"), "package fn;\nimport io.hearth.function.*;\nimport java.util.*;\n" + source);
        java.nio.file.Path classes = java.nio.file.Files.createDirectories(dir.resolve("classes"));
        String api = java.nio.file.Path.of(io.hearth.function.Function.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        int status = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", api, "-d", classes.toString(),
                src.resolve(simpleName + ".java").toString());
        if (status != 0) throw new IllegalStateException("javac failed on " + simpleName);
        return java.nio.file.Files.readAllBytes(classes.resolve("fn/" + simpleName + ".class"));
    }

    public static byte[] promptFunction(String name, String version, String template) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("function.yaml", ("name: " + name + "\nversion: " + version + "\nmodel: default\nkind: prompt\n"
                + "prompt:\n  template: \"" + template + "\"\ndefaults:\n  max_tokens: 4\n  temperature: 0\n").getBytes(StandardCharsets.UTF_8));
        return zip(entries);
    }
}
