package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.bitsieve.core.io.EncoderFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@link WitqEncoder#adaptedTo}: a general encoder's planes with thresholds and decoder fitted to one narrow domain. */
class WitqAdaptTest {
    static final int DIM = 48;
    static final int BITS = 32;

    /** A narrow domain: general-like vectors pulled towards one direction the general fit saw little of, renormalised. */
    static FloatMatrix domain(int rows, long seed) {
        FloatMatrix g = TestData.clustered(rows, DIM, seed);
        Random r = new Random(99);
        float[] u = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            u[j] = (float) r.nextGaussian() * (j >= DIM / 2 ? 1f : 0.1f);
        }
        float[] d = g.data().clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < DIM; j++) {
                d[i * DIM + j] = d[i * DIM + j] * 0.5f + 0.25f * u[j];
            }
        }
        return new FloatMatrix(d, rows, DIM).normalizeRows();
    }

    static double recallAt10(Encoder e, FloatMatrix db, FloatMatrix queries) {
        PackedCodes codes = e.encodeAll(db);
        float[] inv = e.inverseNorms(codes);
        double hit = 0;
        for (int qi = 0; qi < queries.rows(); qi++) {
            float[] q = queries.row(qi);
            QueryScorer s = e.scorer(q);
            float[] exact = new float[db.rows()];
            float[] approx = new float[db.rows()];
            for (int i = 0; i < db.rows(); i++) {
                exact[i] = Vectors.dot(q, 0, db.data(), i * DIM, DIM);
                approx[i] = s.rawScore(codes.data(), i * codes.words()) * (inv == null ? 1f : inv[i]); // plane encoders: no norms
            }
            int[] a = top10(exact);
            int[] b = top10(approx);
            for (int x : a) {
                for (int y : b) {
                    hit += x == y ? 1 : 0;
                }
            }
        }
        return hit / (10.0 * queries.rows());
    }

    static int[] top10(float[] s) {
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Float.compare(s[y], s[x]));
        int[] out = new int[10];
        for (int i = 0; i < 10; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    @Test
    void adaptedThresholdsSplitTheDomainInHalfAndRankItBetter() {
        WitqEncoder general = (WitqEncoder) Encoders.fit("witq", TestData.clustered(4000, DIM, 5), FitOptions.bits(BITS));
        FloatMatrix db = domain(2000, 6);
        FloatMatrix queries = domain(100, 7);
        WitqEncoder adapted = general.adaptedTo(db);
        assertArrayEquals(general.arrays().get("planes"), adapted.arrays().get("planes"), "the planes are kept");
        assertEquals("2000 vectors", adapted.params().get("adaptedTo"));
        PackedCodes g = general.encodeAll(db);
        PackedCodes a = adapted.encodeAll(db);
        int skewed = 0;
        for (int j = 0; j < BITS; j++) {
            int gOnes = 0;
            int aOnes = 0;
            for (int i = 0; i < db.rows(); i++) {
                gOnes += g.bit(i, j) ? 1 : 0;
                aOnes += a.bit(i, j) ? 1 : 0;
            }
            assertEquals(0.5, aOnes / (double) db.rows(), 0.002, "adapted bit " + j + " is set in half the domain");
            skewed += Math.abs(gOnes / (double) db.rows() - 0.5) > 0.25 ? 1 : 0;
        }
        assertTrue(skewed >= 4, "the general thresholds leave bits nearly constant on this domain (" + skewed + " of " + BITS + ")");
        double before = recallAt10(general, db, queries);
        double after = recallAt10(adapted, db, queries);
        assertTrue(after > before + 0.03, "recall@10 against exact float: general " + before + ", adapted " + after);
    }

    @Test
    void adaptedEncoderSurvivesItsFileAndChangesItsFingerprint(@TempDir Path tmp) throws Exception {
        WitqEncoder general = (WitqEncoder) Encoders.fit("witq", TestData.clustered(2000, DIM, 5), FitOptions.bits(BITS));
        WitqEncoder adapted = general.adaptedTo(domain(1000, 6));
        assertNotEquals(EncoderFiles.fingerprint(general), EncoderFiles.fingerprint(adapted));
        Path f = tmp.resolve("a.bse");
        EncoderFiles.save(adapted, f);
        Encoder back = EncoderFiles.load(f);
        assertEquals(EncoderFiles.fingerprint(adapted), EncoderFiles.fingerprint(back));
        FloatMatrix x = domain(50, 8);
        assertArrayEquals(adapted.encodeAll(x).data(), back.encodeAll(x).data());
        float[] q = x.row(3);
        PackedCodes c = back.encodeAll(x);
        assertEquals(adapted.scorer(q).rawScore(c.data(), 0), back.scorer(q).rawScore(c.data(), 0));
    }

    @Test
    void planeEncodersTakeMedianThresholdsOnly() {
        PlaneEncoder itq = (PlaneEncoder) Encoders.fit("itq", TestData.clustered(4000, DIM, 5), FitOptions.bits(BITS));
        FloatMatrix db = domain(2000, 6);
        PlaneEncoder adapted = itq.withMedianThresholds(db);
        assertArrayEquals(itq.arrays().get("planes"), adapted.arrays().get("planes"));
        assertEquals("2000 vectors", adapted.params().get("adaptedTo"));
        PackedCodes a = adapted.encodeAll(db);
        for (int j = 0; j < BITS; j++) {
            int ones = 0;
            for (int i = 0; i < db.rows(); i++) {
                ones += a.bit(i, j) ? 1 : 0;
            }
            assertEquals(0.5, ones / (double) db.rows(), 0.002, "bit " + j);
        }
        double before = recallAt10(itq, db, domain(100, 7));
        double after = recallAt10(adapted, db, domain(100, 7));
        assertTrue(after > before + 0.03, "recall@10 against exact float: itq " + before + ", adapted " + after);
        assertThrows(IllegalArgumentException.class, () -> itq.withMedianThresholds(TestData.clustered(10, DIM - 1, 1)));
    }

    /**
     * A collection of copies (two texts repeated, or one boilerplate text in most rows): the median is shared by many
     * rows, and putting them all on one side made every bit the same for both texts (found by indexing two repeated
     * vectors: every search score tied). The tied rows now go to the side that splits the rows more evenly.
     */
    @Test
    void copiesAtTheMedianStillSplit() {
        WitqEncoder general = (WitqEncoder) Encoders.fit("witq", TestData.clustered(4000, DIM, 5), FitOptions.bits(BITS));
        FloatMatrix two = domain(2, 11);
        float[] d = new float[1500 * DIM];
        for (int i = 0; i < 1500; i++) {
            System.arraycopy(two.data(), (i % 2) * DIM, d, i * DIM, DIM);
        }
        PackedCodes c = general.adaptedTo(new FloatMatrix(d, 1500, DIM)).encodeAll(two);
        int differ = 0;
        for (int j = 0; j < BITS; j++) {
            differ += c.bit(0, j) != c.bit(1, j) ? 1 : 0;
        }
        PackedCodes before = general.encodeAll(two);
        int differBefore = 0;
        for (int j = 0; j < BITS; j++) {
            differBefore += before.bit(0, j) != before.bit(1, j) ? 1 : 0;
        }
        // every plane that separates the two at all now puts them on different sides
        int separating = 0;
        float[] p0 = new float[BITS];
        float[] p1 = new float[BITS];
        PlaneEncoder raw = new PlaneEncoder("witq", DIM, general.arrays().get("planes"), new float[BITS], java.util.Map.of());
        raw.project(two.data(), 0, p0);
        raw.project(two.data(), DIM, p1);
        for (int j = 0; j < BITS; j++) {
            separating += p0[j] != p1[j] ? 1 : 0;
        }
        assertEquals(separating, differ, "bits that tell the two texts apart (shipped thresholds: " + differBefore + ")");
        assertTrue(differ > BITS / 2);

        // 70% copies of one vector, the rest varied: each bit is set in 30% (the copies at 0) or 100% - 0% ... whichever
        // of the two sides is nearer half, never in none of the rows
        FloatMatrix varied = domain(600, 12);
        float[] e = new float[2000 * DIM];
        for (int i = 0; i < 2000; i++) {
            System.arraycopy(i < 1400 ? two.data() : varied.data(), i < 1400 ? 0 : (i - 1400) * DIM, e, i * DIM, DIM);
        }
        FloatMatrix mostlyCopies = new FloatMatrix(e, 2000, DIM);
        PackedCodes m = general.adaptedTo(mostlyCopies).encodeAll(mostlyCopies);
        for (int j = 0; j < BITS; j++) {
            int ones = 0;
            for (int i = 0; i < 2000; i++) {
                ones += m.bit(i, j) ? 1 : 0;
            }
            assertTrue(ones > 0 && ones < 2000, "bit " + j + " is set in " + ones + " of 2000 rows");
        }
    }

    @Test
    void badSamplesAndFactorEncodersAreRefused() {
        WitqEncoder general = (WitqEncoder) Encoders.fit("witq", TestData.clustered(2000, DIM, 5), FitOptions.bits(BITS));
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> general.adaptedTo(TestData.clustered(100, DIM + 1, 1)));
        assertTrue(dim.getMessage().contains("dimension"), dim.getMessage());
        assertThrows(IllegalArgumentException.class, () -> general.adaptedTo(TestData.clustered(1, DIM, 1)));
        WitqEncoder factor = (WitqEncoder) Encoders.fit("witq", TestData.clustered(2000, DIM, 5), FitOptions.bits(BITS).with("factorBits", "2"));
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> factor.adaptedTo(domain(500, 6)));
        assertTrue(f.getMessage().contains("correction factor"), f.getMessage());
    }
}
