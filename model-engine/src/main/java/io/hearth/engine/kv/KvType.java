package io.hearth.engine.kv;

/** Element type of the KV cache. F32 is exact (conformance runs with it); F16 halves its memory. */
public enum KvType {
    F32, F16;

    public static KvType parse(String name) {
        for (KvType t : values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "' (use f32 or f16)");
    }
}
