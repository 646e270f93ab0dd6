package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcaQuantEncoderTest {
    @Test
    void tableScoreIsCosineWithTheDecodedReconstruction() {
        FloatMatrix train = TestData.clustered(2000, 32, 5);
        PcaQuantEncoder e = (PcaQuantEncoder) Encoders.fit("pcaq", train, FitOptions.bits(48));
        Map<String, float[]> a = e.arrays();
        float[] mean = a.get("mean");
        float[] comps = a.get("components");
        float[] fb = a.get("fieldBits");
        float[] fbyte = a.get("fieldByte");
        float[] fshift = a.get("fieldShift");
        float[] levels = a.get("levels");
        FloatMatrix test = TestData.clustered(20, 32, 6);
        PackedCodes codes = e.encodeAll(test);
        float[] inv = e.inverseNorms(codes);
        float[] q = test.row(3);
        QueryScorer s = e.scorer(q);
        for (int i = 0; i < codes.count(); i++) {
            // decode by hand: mean + sum_f level_f * v_f
            double[] x = new double[32];
            for (int j = 0; j < 32; j++) {
                x[j] = mean[j];
            }
            int levStart = 0;
            for (int f = 0; f < fb.length; f++) {
                int bits = (int) fb[f];
                int bit = 8 * (int) fbyte[f] + (int) fshift[f];
                int g = (int) ((codes.data()[i * codes.words() + (bit >>> 6)] >>> (bit & 63)) & ((1 << bits) - 1));
                float level = levels[levStart + PcaQuantEncoder.fromGray(g)];
                for (int j = 0; j < 32; j++) {
                    x[j] += level * comps[f * 32 + j];
                }
                levStart += 1 << bits;
            }
            double dot = 0;
            double n = 0;
            for (int j = 0; j < 32; j++) {
                dot += q[j] * x[j];
                n += x[j] * x[j];
            }
            double expected = dot / Math.sqrt(n);
            assertEquals(expected, s.rawScore(codes.data(), i * codes.words()) * inv[i], 1e-4);
        }
    }

    @Test
    void bitsAllocatedByVarianceAndPackedWithinBytes() {
        double[] variances = new double[64];
        for (int j = 0; j < 64; j++) {
            variances[j] = Math.pow(0.9, j);
        }
        int[] alloc = PcaQuantKind.allocate(variances, 96);
        assertEquals(96, java.util.Arrays.stream(alloc).sum());
        for (int j = 1; j < 64; j++) {
            assertTrue(alloc[j] <= alloc[j - 1], "more variance never gets fewer bits");
        }
        var fields = PcaQuantKind.pack(alloc, variances, 96);
        int[] used = new int[12];
        for (int[] f : fields) {
            assertTrue(f[3] + f[1] <= 8);
            used[f[2]] += f[1];
        }
        for (int u : used) {
            assertEquals(8, u, "every byte is filled exactly");
        }
    }

    @Test
    void lloydMaxOnUniformIsEvenlySpaced() {
        float[] v = new float[10000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i + 0.5f) / v.length;
        }
        float[][] q = PcaQuantKind.lloydMax(v, 4);
        assertEquals(0.25, q[0][0], 0.01);
        assertEquals(0.5, q[0][1], 0.01);
        assertEquals(0.125, q[1][0], 0.01);
        assertEquals(0.875, q[1][3], 0.01);
    }
}
