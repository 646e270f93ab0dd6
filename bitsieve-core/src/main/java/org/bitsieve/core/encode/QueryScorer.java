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
    private final float[] signs;
    private final float constant;

    public QueryScorer(float[] table, int bytes, boolean normalized) {
        this(table, bytes, normalized, null, 0f);
    }

    private QueryScorer(float[] table, int bytes, boolean normalized, float[] signs, float constant) {
        if (table.length != bytes * 256) {
            throw new IllegalArgumentException("table must hold 256 entries per code byte");
        }
        this.table = table;
        this.bytes = bytes;
        this.normalized = normalized;
        this.signs = signs;
        this.constant = constant;
    }

    /**
     * A score linear in the code's ±1 bits, {@code constant + sum_j (bit j ? a[j] : -a[j])}: the table is
     * {@link #signTable} with {@code constant} added to byte 0's entries (one float add each, skipped when 0).
     * The scorer keeps {@code a}, so the scan can bound codes from the weights directly instead of recovering
     * them from the table ({@code QuantizedLut}).
     */
    public static QueryScorer ofSigns(float[] a, float constant, boolean normalized) {
        int bits = a.length;
        float[] table = signTable(a, bits);
        if (constant != 0f) {
            for (int v = 0; v < 256; v++) {
                table[v] += constant;
            }
        }
        return new QueryScorer(table, (bits + 7) >>> 3, normalized, a, constant);
    }

    /** The per-bit weights {@code a} of an {@link #ofSigns} scorer (not to be modified), else null. */
    public float[] signWeights() { return signs; }

    /** The constant of an {@link #ofSigns} scorer, else 0. */
    public float constant() { return constant; }

    /**
     * The table of a score linear in ±1 bits: entry {@code [k][v] = sum_(u < n) (bit u of v ? a[8k+u] : -a[8k+u])},
     * added in float in increasing u from 0 ({@code n} = the bits in byte k; byte values using unused bits stay
     * 0, codes never hold them). Built as a prefix tree (entries sharing their low bits share the partial sum),
     * which performs exactly the same float operations in the same order as the plain loop, 4x fewer of them:
     * this runs once per query, and the browser client computes the same sums.
     */
    public static float[] signTable(float[] a, int bits) {
        int bytes = (bits + 7) >>> 3;
        float[] table = new float[bytes * 256];
        float[] partial = new float[256];
        for (int k = 0; k < bytes; k++) {
            int n = Math.min(8, bits - 8 * k);
            partial[0] = 0f;
            for (int u = 0; u < n; u++) {
                float aj = a[8 * k + u];
                for (int low = (1 << u) - 1; low >= 0; low--) {
                    float p = partial[low];
                    partial[low | (1 << u)] = p + aj;
                    partial[low] = p + -aj;
                }
            }
            System.arraycopy(partial, 0, table, k << 8, 1 << n);
        }
        return table;
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
