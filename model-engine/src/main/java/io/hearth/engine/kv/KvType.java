package io.hearth.engine.kv;

/** Element type of the KV cache. F32 is exact (conformance runs with it); F16 halves its memory. */
public enum KvType {
    F32(Float.BYTES), F16(Short.BYTES);

    private final int bytes;

    KvType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one value. */
    public int bytes() {
        return bytes;
    }

    public static KvType parse(String name) {
        for (KvType t : values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "' (use f32 or f16)");
    }
}
