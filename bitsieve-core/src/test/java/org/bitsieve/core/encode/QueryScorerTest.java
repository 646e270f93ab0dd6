package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A plane encoder's asymmetric score is the cosine between the query's plane distances and the code's signs:
     * in [-1, 1], its own code scoring highest, and one query's order of codes that of the raw orientation sum.
     */
    @Test
    void planeScoresAreCosinesThatKeepEachQuerysOrder() {
        FloatMatrix train = TestData.clustered(1500, 48, 1);
        FloatMatrix test = TestData.clustered(40, 48, 2);
        for (String kind : new String[] {"itq", "sign", "simhash"}) {
            PlaneEncoder e = (PlaneEncoder) Encoders.fit(kind, train, FitOptions.bits(kind.equals("simhash") ? 100 : 32).withSeed(3));
            PackedCodes codes = e.encodeAll(train);
            int bits = e.bits();
            for (int q = 0; q < test.rows(); q++) {
                float[] t = new float[bits];
                e.project(test.row(q), 0, t);
                double tn = 0;
                for (float v : t) {
                    tn += (double) v * v;
                }
                QueryScorer s = e.scorer(test.row(q));
                assertFalse(s.normalized(), kind);
                double[] raw = new double[codes.count()];
                float[] got = new float[codes.count()];
                for (int i = 0; i < codes.count(); i++) {
                    for (int j = 0; j < bits; j++) {
                        raw[i] += codes.bit(i, j) ? t[j] : -t[j];
                    }
                    got[i] = s.rawScore(codes.data(), i * codes.words());
                    double cosine = raw[i] / Math.sqrt(tn * bits);
                    assertEquals(cosine, got[i], 1e-5, kind + " query " + q + " code " + i);
                    assertTrue(Math.abs(got[i]) <= 1 + 1e-5f, kind);
                }
                PackedCodes own = e.encodeAll(test.slice(q, q + 1));
                double best = s.rawScore(own.data(), 0);
                assertEquals(Math.sqrt(sumAbs(t) * sumAbs(t) / (tn * bits)), best, 1e-5, kind + ": the query's own code scores sum|t| / (|t| sqrt(bits))");
                for (int i = 1; i < raw.length; i++) {
                    if (raw[i] > raw[i - 1] + 1e-3) {
                        assertTrue(got[i] > got[i - 1], kind + ": order of codes " + (i - 1) + ", " + i);
                    }
                }
            }
        }
    }

    private static double sumAbs(float[] t) {
        double s = 0;
        for (float v : t) {
            s += Math.abs(v);
        }
        return s;
    }
}
