package io.hearth.engine.model;

import io.hearth.engine.gguf.GgufFile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fingerprint of a model file for KV block identity: SHA-256 over the header (all metadata and tensor layout),
 * the file size and 64 samples of 4 KiB spread over the weights. Hashing every byte of a multi-GB file would add
 * seconds to each cold start; a different model, a retrained or re-quantized one changes the header or the sampled
 * weights. The digest names a model's content, not its path.
 */
public final class ModelDigest {
    private static final int SAMPLES = 64, SAMPLE_BYTES = 4096;

    private ModelDigest() {
    }

    public static byte[] of(GgufFile file) {
        MessageDigest sha = sha256();
        sha.update(file.header().asByteBuffer());
        sha.update(ByteBuffer.allocate(8).putLong(0, file.fileSize()));
        MemorySegment data = file.data();
        long size = data.byteSize();
        for (int i = 0; i < SAMPLES && size > 0; i++) {
            long at = size <= SAMPLE_BYTES ? 0 : (size - SAMPLE_BYTES) / (SAMPLES - 1) * i;
            long n = Math.min(SAMPLE_BYTES, size - at);
            sha.update(data.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE));
        }
        return sha.digest();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
