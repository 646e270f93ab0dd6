package org.bitsieve.server;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How codes leave the server. Every format carries the same bytes: code bit j is bit (j % 8) of byte (j / 8)
 * (the CLI's and {@code .bsc} order), bits/8 bytes per code.
 */
enum CodeFormat {
    /** standard base64 of the bytes (default: the most compact text) */
    BASE64,
    /** lower-case hex of the bytes */
    HEX,
    /** the bytes as signed integers b - 128 (-128..127): the offset int8 form that int8/binary vector stores take */
    INT8,
    /** the bytes as unsigned integers 0..255 */
    UINT8;

    static CodeFormat parse(String s) {
        if (s == null) {
            return BASE64;
        }
        for (CodeFormat f : values()) {
            if (f.name().equalsIgnoreCase(s)) {
                return f;
            }
        }
        throw new ApiError(ApiError.Code.INVALID_VALUE, "unknown format '" + s + "'; use base64, hex, int8 or uint8");
    }

    Object render(long[] words, int wordOffset, int bytes) {
        byte[] b = new byte[bytes];
        for (int k = 0; k < bytes; k++) {
            b[k] = (byte) (words[wordOffset + (k >>> 3)] >>> ((k & 7) << 3));
        }
        return switch (this) {
            case BASE64 -> Base64.getEncoder().encodeToString(b);
            case HEX -> HexFormat.of().formatHex(b);
            case INT8 -> {
                int[] out = new int[bytes];
                for (int k = 0; k < bytes; k++) {
                    out[k] = (b[k] & 0xff) - 128;
                }
                yield out;
            }
            case UINT8 -> {
                int[] out = new int[bytes];
                for (int k = 0; k < bytes; k++) {
                    out[k] = b[k] & 0xff;
                }
                yield out;
            }
        };
    }

    String wire() { return name().toLowerCase(Locale.ROOT); }
}
