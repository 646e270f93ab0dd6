package org.bitsieve.core;

import java.util.Arrays;

/**
 * Bit codes packed into {@code long} words: code {@code i} occupies words
 * {@code [i * words, (i + 1) * words)}. Bit {@code j} of a code is bit {@code j & 63} of word {@code j >>> 6};
 * byte {@code k} of a code is bits {@code [8k, 8k + 8)}. Unused high bits of the last word are always zero,
 * so Hamming distances need no masking.
 */
public final class PackedCodes {
    private final long[] data;
    private final int count;
    private final int bits;
    private final int words;

    public PackedCodes(long[] data, int count, int bits) {
        if (bits <= 0) {
            throw new IllegalArgumentException("bits must be positive, got " + bits);
        }
        this.words = wordsFor(bits);
        if ((long) count * words != data.length) {
            throw new IllegalArgumentException("data holds " + data.length + " words, expected " + count + " codes x " + words);
        }
        this.data = data;
        this.count = count;
        this.bits = bits;
    }

    public static PackedCodes allocate(int count, int bits) {
        return new PackedCodes(new long[count * wordsFor(bits)], count, bits);
    }

    public static int wordsFor(int bits) { return (bits + 63) >>> 6; }

    public int count() { return count; }

    public int bits() { return bits; }

    /** Words per code. */
    public int words() { return words; }

    /** Bytes a code takes when stored packed (bits rounded up to whole bytes). */
    public int bytesPerCode() { return (bits + 7) >>> 3; }

    /** The backing array (not a copy). */
    public long[] data() { return data; }

    public long[] code(int i) { return Arrays.copyOfRange(data, i * words, (i + 1) * words); }

    public boolean bit(int i, int j) { return ((data[i * words + (j >>> 6)] >>> (j & 63)) & 1L) != 0; }

    public PackedCodes select(int[] indices) {
        long[] out = new long[indices.length * words];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * words, out, i * words, words);
        }
        return new PackedCodes(out, indices.length, bits);
    }

    /** Hamming distance between code {@code i} here and a query code. */
    public int hamming(int i, long[] query) {
        int d = 0;
        int o = i * words;
        for (int w = 0; w < words; w++) {
            d += Long.bitCount(data[o + w] ^ query[w]);
        }
        return d;
    }
}
