package org.bitsieve.store;

/** How a collection keeps the original float vectors (on disk only, for re-ranking), if at all. */
public enum FloatFormat {
    NONE(0), F16(2), F32(4);

    private final int bytes;

    FloatFormat(int bytes) { this.bytes = bytes; }

    /** Bytes per stored value (0 when vectors are not kept). */
    public int bytes() { return bytes; }

    public static FloatFormat parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "none" -> NONE;
            case "f16", "float16" -> F16;
            case "f32", "float32" -> F32;
            default -> throw new IllegalArgumentException("unknown float format '" + s + "'; use f16, f32 or none");
        };
    }

    /** The value as it reads back after storage (f16 rounds), so memory and disk agree exactly. */
    float roundTrip(float v) {
        return this == F16 ? org.bitsieve.core.io.Half.toFloat(org.bitsieve.core.io.Half.fromFloat(v)) : v;
    }
}
