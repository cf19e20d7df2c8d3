package io.hearth.runtime.openai;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** A vector as OpenAI's {@code encoding_format: "base64"} asks: its little-endian float32 bytes in base64 (what the SDKs decode). */
final class EmbeddingEncoding {
    private EmbeddingEncoding() {
    }

    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
