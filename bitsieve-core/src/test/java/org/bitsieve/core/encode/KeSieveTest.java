package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeSieveTest {
    @Test
    void separatesEveryDistinctPointAndLeavesDuplicatesTogether() {
        FloatMatrix base = TestData.clustered(600, 16, 11);
        // add 5 exact duplicates: they can never be separated
        float[] data = Arrays.copyOf(base.data(), (600 + 5) * 16);
        for (int i = 0; i < 5; i++) {
            System.arraycopy(base.data(), i * 16, data, (600 + i) * 16, 16);
        }
        FloatMatrix x = new FloatMatrix(data, 605, 16);
        Encoder e = Encoders.fit("kesieve", x, FitOptions.bits(0));
        PackedCodes c = e.encodeAll(x);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 605; i++) {
            distinct.add(Arrays.toString(c.code(i)));
        }
        assertEquals(600, distinct.size(), "all 600 distinct points get distinct orientation vectors");
        for (int i = 0; i < 5; i++) {
            assertEquals(Arrays.toString(c.code(i)), Arrays.toString(c.code(600 + i)));
        }
        assertEquals("0", e.params().get("unseparatedPairsLeft"));
        assertTrue(e.bits() > 1);
    }

    @Test
    void planeThroughMidpointSeparatesEachPair() {
        FloatMatrix x = TestData.clustered(40, 8, 3);
        var specials = new java.util.ArrayList<int[]>();
        for (int i = 0; i < 8; i++) {
            specials.add(new int[] {i + 1, 0});
        }
        double[] a = KeSieveKind.solveThroughMidpoints(x, specials);
        for (int[] p : specials) {
            double s1 = 0;
            double s2 = 0;
            for (int j = 0; j < 8; j++) {
                s1 += a[j] * x.get(p[0], j);
                s2 += a[j] * x.get(p[1], j);
            }
            assertTrue((s1 - 1) * (s2 - 1) < 0, "special and partner lie on opposite sides");
        }
    }

    @Test
    void capLimitsBits() {
        FloatMatrix x = TestData.clustered(500, 16, 2);
        assertEquals(10, Encoders.fit("kesieve", x, FitOptions.bits(10)).bits());
    }
}
