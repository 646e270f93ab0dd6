package org.bitsieve.core.encode;

/**
 * Asymmetric score of packed codes against one float query: {@code sum_k table[k * 256 + byte_k(code)]},
 * divided by the code's norm when {@link #normalized()}. Any score that is a sum of per-byte terms fits this
 * shape, which keeps the scan loop one table lookup per code byte for every encoder.
 */
public final class QueryScorer {
    private final float[] table;
    private final int bytes;
    private final boolean normalized;

    public QueryScorer(float[] table, int bytes, boolean normalized) {
        if (table.length != bytes * 256) {
            throw new IllegalArgumentException("table must hold 256 entries per code byte");
        }
        this.table = table;
        this.bytes = bytes;
        this.normalized = normalized;
    }

    public float[] table() { return table; }

    public int bytes() { return bytes; }

    public boolean normalized() { return normalized; }

    /** Unnormalised score of the code at {@code codes[offset...]}. */
    public float rawScore(long[] codes, int offset) {
        float s = 0;
        int k = 0;
        for (int w = 0; k < bytes; w++) {
            long word = codes[offset + w];
            for (int b = 0; b < 8 && k < bytes; b++, k++) {
                s += table[(k << 8) | (int) ((word >>> (b << 3)) & 0xFF)];
            }
        }
        return s;
    }
}
