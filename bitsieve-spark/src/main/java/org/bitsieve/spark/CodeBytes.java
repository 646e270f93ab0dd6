package org.bitsieve.spark;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.io.Half;

/**
 * The byte forms of codes and vectors in DataFrame columns. A code column holds {@code ceil(bits / 8)} bytes:
 * byte {@code k} is bits {@code [8k, 8k + 8)} of the code, the byte order of {@link PackedCodes} words written
 * little-endian, so a code compares byte-for-byte with the CLI's {@code .bsc} files and with NumPy's
 * {@code np.frombuffer(b, '<u8')} view. A float16 vector column holds {@code 2 * dim} bytes of little-endian
 * IEEE half floats ({@code np.frombuffer(b, '<f2')}).
 */
public final class CodeBytes {
    private CodeBytes() {}

    public static int bytesFor(int bits) { return (bits + 7) >>> 3; }

    /** Code {@code i} of a packed block as column bytes. */
    public static byte[] toBytes(long[] words, int offset, int bits) {
        byte[] out = new byte[bytesFor(bits)];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) (words[offset + (k >>> 3)] >>> ((k & 7) << 3));
        }
        return out;
    }

    public static byte[] toBytes(long[] code, int bits) { return toBytes(code, 0, bits); }

    /** Column bytes back to packed words (unused high bits zero, as {@link PackedCodes} requires). */
    public static long[] toWords(byte[] b, int bits) {
        if (b.length != bytesFor(bits)) {
            throw new IllegalArgumentException("a " + bits + "-bit code takes " + bytesFor(bits) + " bytes, got " + b.length);
        }
        long[] out = new long[PackedCodes.wordsFor(bits)];
        for (int k = 0; k < b.length; k++) {
            out[k >>> 3] |= (b[k] & 0xFFL) << ((k & 7) << 3);
        }
        return out;
    }

    public static byte[] halfBytes(float[] v, int offset, int dim) {
        byte[] out = new byte[2 * dim];
        for (int j = 0; j < dim; j++) {
            short h = Half.fromFloat(v[offset + j]);
            out[2 * j] = (byte) h;
            out[2 * j + 1] = (byte) (h >>> 8);
        }
        return out;
    }

    public static float[] fromHalfBytes(byte[] b) {
        if ((b.length & 1) != 0) {
            throw new IllegalArgumentException("a float16 vector has an even number of bytes, got " + b.length);
        }
        float[] out = new float[b.length / 2];
        for (int j = 0; j < out.length; j++) {
            out[j] = Half.toFloat((short) ((b[2 * j] & 0xFF) | (b[2 * j + 1] << 8)));
        }
        return out;
    }

    /** Hamming distance of two column codes of equal length. */
    public static int hamming(byte[] a, byte[] b) {
        int d = 0;
        int n = a.length;
        int k = 0;
        for (; k + 8 <= n; k += 8) {
            d += Long.bitCount(leLong(a, k) ^ leLong(b, k));
        }
        for (; k < n; k++) {
            d += Integer.bitCount((a[k] ^ b[k]) & 0xFF);
        }
        return d;
    }

    static long leLong(byte[] b, int o) {
        long x = 0;
        for (int i = 7; i >= 0; i--) {
            x = (x << 8) | (b[o + i] & 0xFFL);
        }
        return x;
    }
}
