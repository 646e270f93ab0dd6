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
}
