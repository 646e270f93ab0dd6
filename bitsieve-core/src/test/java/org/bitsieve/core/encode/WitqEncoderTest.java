package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WitqEncoderTest {
    /** c + sum_j s_j D_j over the first {@code planes} bits of code i, in double: the reference decoding. */
    static double[] decoded(float[] center, float[] decoder, PackedCodes codes, int i, int planes) {
        int d = center.length;
        double[] x = new double[d];
        for (int m = 0; m < d; m++) {
            x[m] = center[m];
        }
        for (int j = 0; j < planes; j++) {
            double sign = codes.bit(i, j) ? 1 : -1;
            for (int m = 0; m < d; m++) {
                x[m] += sign * decoder[j * d + m];
            }
        }
        return x;
    }

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
            double[] x = decoded(center, dec, codes, i, 16);
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

    @Test
    void correctionFactorIsAThermometerOfRhoThatDividesTheScore() {
        FloatMatrix train = TestData.clustered(1500, 24, 5);
        // 13 planes + 3 factor bits: byte 1 holds planes and factor bits together
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(16).with("factorBits", "3"));
        assertEquals(16, e.bits());
        assertEquals(3, ((WitqEncoder) e).factorBits());
        assertEquals(13 * 24, e.arrays().get("decoder").length);
        float[] center = e.arrays().get("center");
        float[] dec = e.arrays().get("decoder");
        float[] bounds = e.arrays().get("factorBounds");
        float[] levels = e.arrays().get("factorLevels");
        assertEquals(3, bounds.length);
        assertEquals(4, levels.length);
        FloatMatrix test = train; // the levels are the quantiles of the fit sample's rho: equal counts there
        PackedCodes codes = e.encodeAll(test);
        float[] inv = e.inverseNorms(codes);
        float[] q = test.row(0);
        QueryScorer s = e.scorer(q);
        int[] perLevel = new int[4];
        for (int i = 0; i < codes.count(); i++) {
            double[] h = decoded(center, dec, codes, i, 13);
            double xh = 0;
            double hh = 0;
            double xx = 0;
            double qh = 0;
            for (int m = 0; m < 24; m++) {
                xh += test.get(i, m) * h[m];
                hh += h[m] * h[m];
                xx += test.get(i, m) * test.get(i, m);
                qh += q[m] * h[m];
            }
            double rho = xh / Math.sqrt(hh * xx);
            int level = 0;
            while (level < 3 && rho >= bounds[level]) {
                level++;
            }
            int stored = 0;
            for (int u = 0; u < 3; u++) {
                stored += codes.bit(i, 13 + u) ? 1 : 0;
            }
            boolean atBound = false; // the bounds are rho values of sample vectors: those may round to either side
            for (float b : bounds) {
                atBound |= Math.abs(rho - b) < 1e-5;
            }
            assertTrue(stored == level || atBound && Math.abs(stored - level) == 1, "code " + i + ": level " + stored + ", rho says " + level);
            level = stored;
            perLevel[level]++;
            for (int u = 0; u < 3; u++) {
                assertEquals(u < level, codes.bit(i, 13 + u), "thermometer bit " + u + " of code " + i + " at level " + level);
            }
            assertEquals(qh / Math.sqrt(hh) / levels[level], s.rawScore(codes.data(), i * codes.words()) * inv[i], 1e-4);
        }
        for (int l = 0; l < 4; l++) {
            assertTrue(Math.abs(perLevel[l] - 375) <= 2, "level " + l + " holds " + perLevel[l] + " of 1500 codes: bounds at quartiles");
            assertTrue(levels[l] > 0 && levels[l] <= 1);
            assertTrue(l == 0 || levels[l] >= bounds[l - 1] && levels[l - 1] <= bounds[l - 1], "level means inside their bins");
        }
    }

    @Test
    void correctionFactorLevelsComeFromRowsTheRotationDidNotSee() {
        // beyond the 20,000-row rotation sample, the levels are set on the rows after it (on real data, rho on the
        // rotation's own rows runs high and put most new vectors in the lowest level)
        Encoder big = Encoders.fit("witq", TestData.clustered(26_000, 24, 8), FitOptions.bits(16).with("factorBits", "2"));
        assertEquals("6000 held-out rows", big.params().get("factorSample"));
        Encoder small = Encoders.fit("witq", TestData.clustered(1500, 24, 8), FitOptions.bits(16).with("factorBits", "2"));
        assertEquals("1500 rotation rows", small.params().get("factorSample"));
    }

    @Test
    void correctionFactorSettingRefusedOutOfRange() {
        FloatMatrix train = TestData.clustered(500, 24, 7);
        for (String bad : new String[] {"9", "16", "2.5", "-1"}) {
            IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Encoders.fit("witq", train, FitOptions.bits(16).with("factorBits", bad)));
            assertTrue(ex.getMessage().contains("factorBits must be a whole number from 0 to 8"), ex.getMessage());
        }
        assertEquals(null, Encoders.fit("witq", train, FitOptions.bits(16)).arrays().get("factorBounds"), "off by default");
    }
}
