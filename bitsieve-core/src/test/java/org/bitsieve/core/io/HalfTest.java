package org.bitsieve.core.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Half#fromFloats} must give {@link Half#fromFloat}'s shorts bit for bit (segment files written either way are
 * read by the same code). All 2^32 float patterns: HalfExhaustiveCheck in bitsieve-bench (0 mismatches, 22 s); here
 * every pattern around the fast path's edges and a stride through the rest.
 */
class HalfTest {
    @Test
    void bulkConversionMatchesTheOneByOneConversion() {
        int[] edges = {0x38800000, 0x477FF000, 0x477FE000, 0x38000000, 0x33000000, 0x7F800000, 0x00000000, 0x3F800000};
        int n = 0;
        float[] f = new float[edges.length * 2 * 4096 + (1 << 22)];
        for (int e : edges) {
            for (int d = -4096; d < 4096; d++) {
                f[n++] = Float.intBitsToFloat(e + d);
                f[n++] = Float.intBitsToFloat((e + d) | 0x80000000);
            }
        }
        for (long p = 0; p < 1L << 32 && n < f.length; p += 1021) { // odd stride: every low-bit pattern comes up
            f[n++] = Float.intBitsToFloat((int) p);
        }
        byte[] b = new byte[2 * n + 3];
        Half.fromFloats(f, 0, b, 3, n); // an odd offset: the little-endian writes need no alignment
        for (int i = 0; i < n; i++) {
            short bulk = (short) ((b[3 + 2 * i] & 0xFF) | (b[4 + 2 * i] << 8));
            int i0 = i;
            assertEquals(Half.fromFloat(f[i]), bulk, () -> "float bits " + Integer.toHexString(Float.floatToRawIntBits(f[i0])));
        }
    }

    @Test
    void knownValues() {
        float[] f = {1f, -2f, 65504f, 65519f, 65520f, 6.1035156e-5f, 5.9604645e-8f, Float.NaN, Float.NEGATIVE_INFINITY, 0.1f};
        short[] want = {0x3C00, (short) 0xC000, 0x7BFF, 0x7BFF, 0x7C00, 0x0400, 0x0001, 0x7E00, (short) 0xFC00, 0x2E66};
        byte[] b = new byte[2 * f.length];
        Half.fromFloats(f, 0, b, 0, f.length);
        for (int i = 0; i < f.length; i++) {
            assertEquals(want[i], (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8)), "value " + f[i]);
        }
    }
}
