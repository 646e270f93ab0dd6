package org.bitsieve.cli;

import org.bitsieve.core.PackedCodes;

/** Conversions of packed codes for printing. */
final class Codes {
    private Codes() {}

    /** Code {@code i} as little-endian bytes (bit j of the code is bit j % 8 of byte j / 8). */
    static byte[] bytes(PackedCodes c, int i) {
        byte[] out = new byte[c.bytesPerCode()];
        long[] d = c.data();
        int o = i * c.words();
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) (d[o + (k >>> 3)] >>> ((k & 7) << 3));
        }
        return out;
    }
}
