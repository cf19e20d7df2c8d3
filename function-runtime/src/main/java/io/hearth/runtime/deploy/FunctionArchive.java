package io.hearth.runtime.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function archive (zip or jar) read within limits before anything is stored: total size, entry count,
 * uncompressed size (zip bombs), entry names (no absolute paths, no '..') and no symbolic links, with function.yaml
 * at the root.
 */
public record FunctionArchive(byte[] bytes, FunctionManifest manifest, String sha256) {
    public static final long MAX_ARCHIVE_BYTES = 64L << 20;
    public static final int MAX_ENTRIES = 10_000;
    public static final long MAX_UNCOMPRESSED_BYTES = 256L << 20;
    private static final int MAX_MANIFEST_BYTES = 64 << 10;
    /** JSON files function.yaml may refer to ({@code output.schema_file}) are kept while reading, within these bounds. */
    private static final int MAX_JSON_FILE_BYTES = 256 << 10;
    private static final long MAX_JSON_KEPT_BYTES = 4L << 20;

    public static FunctionArchive read(byte[] bytes) {
        if (bytes.length == 0) throw new ArchiveInvalidException("the archive is empty: send a zip or jar with function.yaml at its root");
        if (bytes.length > MAX_ARCHIVE_BYTES) throw new ArchiveInvalidException("the archive is larger than " + (MAX_ARCHIVE_BYTES >> 20) + " MB");
        byte[] manifest = null;
        java.util.Map<String, byte[]> jsonFiles = new java.util.HashMap<>();
        long jsonKept = 0;
        int entries = 0;
        long uncompressed = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) throw new ArchiveInvalidException("the archive has more than " + MAX_ENTRIES + " entries");
                String name = entry.getName();
                if (name.startsWith("/") || name.startsWith("\\") || name.contains("..") || name.contains(":")) {
                    throw new ArchiveInvalidException("entry '" + name + "' is not a plain relative path");
                }
                long size;
                if (name.equals("function.yaml")) {
                    manifest = readAtMost(zip, MAX_MANIFEST_BYTES, "function.yaml is larger than 64 KB");
                    size = manifest.length;
                } else if (name.endsWith(".json") && jsonKept < MAX_JSON_KEPT_BYTES) {
                    byte[] json = zip.readNBytes(MAX_JSON_FILE_BYTES + 1);
                    if (json.length <= MAX_JSON_FILE_BYTES) {
                        jsonFiles.put(name, json);
                        jsonKept += json.length;
                    }
                    size = json.length + count(zip, MAX_UNCOMPRESSED_BYTES - uncompressed - json.length);
                } else {
                    size = count(zip, MAX_UNCOMPRESSED_BYTES - uncompressed);
                }
                uncompressed += size;
                if (uncompressed > MAX_UNCOMPRESSED_BYTES) {
                    throw new ArchiveInvalidException("the archive unpacks to more than " + (MAX_UNCOMPRESSED_BYTES >> 20) + " MB");
                }
            }
        } catch (IOException e) {
            throw new ArchiveInvalidException("the body is not a readable zip or jar: " + e.getMessage());
        }
        if (entries == 0) throw new ArchiveInvalidException("the body is not a zip or jar (no entries found)");
        String link = ZipLinks.firstLink(bytes);
        if (link != null) throw new ArchiveInvalidException("entry '" + link + "' is a symbolic link; archives must hold plain files only");
        if (manifest == null) throw new ArchiveInvalidException("the archive has no function.yaml at its root");
        return new FunctionArchive(bytes, FunctionManifest.parse(manifest, jsonFiles::get), sha256(bytes));
    }

    private static byte[] readAtMost(InputStream in, int limit, String tooLarge) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) throw new ArchiveInvalidException(tooLarge);
        return bytes;
    }

    /** Bytes of an entry, failing as soon as it passes {@code limit}: the declared size of an entry can lie. */
    private static long count(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > limit) throw new ArchiveInvalidException("the archive unpacks to more than " + (MAX_UNCOMPRESSED_BYTES >> 20) + " MB");
        }
        return total;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
