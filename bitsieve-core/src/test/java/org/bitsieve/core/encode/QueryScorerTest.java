package org.bitsieve.core.encode;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QueryScorerTest {
    /** The prefix-tree table must hold the plain loop's float sums bit for bit (scores, ties and the browser depend on it). */
    @Test
    void signTableEqualsThePlainLoopBitForBit() {
        Random r = new Random(5);
        for (int bits : new int[] {1, 7, 8, 13, 64, 100, 256, 384}) {
            float[] a = new float[bits];
            for (int j = 0; j < bits; j++) {
                // mixed magnitudes make float rounding order-dependent
                a[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            }
            float[] got = QueryScorer.signTable(a, bits);
            int bytes = (bits + 7) >>> 3;
            assertEquals(bytes * 256, got.length);
            for (int k = 0; k < bytes; k++) {
                int n = Math.min(8, bits - 8 * k);
                for (int v = 0; v < 256; v++) {
                    float s = 0;
                    if (v >>> n == 0) {
                        for (int u = 0; u < n; u++) {
                            s += ((v >>> u) & 1) != 0 ? a[8 * k + u] : -a[8 * k + u];
                        }
                    }
                    assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(got[(k << 8) | v]), bits + " bits, byte " + k + ", value " + v);
                }
            }
        }
    }
}
