package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WitqEncoderTest {
    @Test
    void asymmetricScoreIsCosineWithTheDecodedVector() {
        FloatMatrix train = TestData.clustered(1500, 24, 3);
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(16));
        float[] center = e.arrays().get("center");
        float[] dec = e.arrays().get("decoder");
        FloatMatrix test = TestData.clustered(15, 24, 4);
        PackedCodes codes = e.encodeAll(test);
        float[] inv = e.inverseNorms(codes);
        float[] q = test.row(0);
        QueryScorer s = e.scorer(q);
        for (int i = 0; i < codes.count(); i++) {
            double[] x = new double[24];
            for (int m = 0; m < 24; m++) {
                x[m] = center[m];
            }
            for (int j = 0; j < 16; j++) {
                double sign = codes.bit(i, j) ? 1 : -1;
                for (int m = 0; m < 24; m++) {
                    x[m] += sign * dec[j * 24 + m];
                }
            }
            double dot = 0;
            double n = 0;
            for (int m = 0; m < 24; m++) {
                dot += q[m] * x[m];
                n += x[m] * x[m];
            }
            assertEquals(dot / Math.sqrt(n), s.rawScore(codes.data(), i * codes.words()) * inv[i], 1e-4);
        }
    }

    @Test
    void usesMoreComponentsThanBitsAndBalancedBits() {
        FloatMatrix train = TestData.clustered(3000, 40, 5);
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(24));
        assertEquals("30", e.params().get("components"));
        PackedCodes c = e.encodeAll(train);
        for (int j = 0; j < 24; j++) {
            int ones = 0;
            for (int i = 0; i < c.count(); i++) {
                ones += c.bit(i, j) ? 1 : 0;
            }
            // offset by 0.75 x mean, not the full mean: bits are near, not exactly, balanced
            assertTrue(ones > 0.1 * c.count() && ones < 0.9 * c.count(), "bit " + j + " set in " + ones + " of " + c.count());
        }
    }

    static final int DIM = 64;
    static final int BITS = 96;

    @Test
    void moreBitsThanDimensionsUseATightFrame() {
        // spread-out data, as sentence embeddings are: on a few tight clusters extra planes can only repeat
        // the cluster partition, and ITQ then converges to repeated directions
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(6);
        float[] g = new float[4000 * DIM];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) ((rnd.nextDouble() - 0.5) * (1 + (i % DIM)) + (i % DIM == 0 ? 2 : 0));
        }
        FloatMatrix train = new FloatMatrix(g, 4000, DIM).normalizeRows();
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(BITS));
        assertEquals(BITS, e.bits());
        assertEquals(Integer.toString(DIM), e.params().get("components"));
        // distinct planes: no normal is parallel to another (a tight frame, not repeated directions)
        float[] w = e.arrays().get("planes");
        for (int a = 0; a < BITS; a++) {
            for (int b = a + 1; b < BITS; b++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int m = 0; m < DIM; m++) {
                    dot += w[a * DIM + m] * w[b * DIM + m];
                    na += w[a * DIM + m] * w[a * DIM + m];
                    nb += w[b * DIM + m] * w[b * DIM + m];
                }
                assertTrue(Math.abs(dot) / Math.sqrt(na * nb) < 0.99, "planes " + a + " and " + b + " are parallel");
            }
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("witq", train, FitOptions.bits(DIM * 2 + 1)));
    }

    @Test
    void tuningSettingsAreAppliedAndUnknownOnesRefused() {
        FloatMatrix train = TestData.clustered(1500, 24, 7);
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(16).with("weightPower", "0").with("componentsPerBit", "1"));
        assertEquals("0.0", e.params().get("weightPower"));
        assertEquals("16", e.params().get("components"));
        // settings listed by name, so reports read the same in every run
        String d = e.describe();
        assertTrue(d.startsWith("witq 24d -> 16 bits {components=16, iterations=50, offsetFraction=")
                && d.indexOf("offsetFraction=") < d.indexOf("weightPower="), d);
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("witq", train, FitOptions.bits(16).with("weightpower", "0")));
        assertTrue(bad.getMessage().contains("no setting 'weightpower'"), bad.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("witq", train, FitOptions.bits(16).with("weightPower", "lots")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("pcaq", train, FitOptions.bits(16).with("weightPower", "0")));
    }
}
