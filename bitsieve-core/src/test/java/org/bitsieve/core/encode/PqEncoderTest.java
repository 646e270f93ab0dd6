package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.FileFormatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PqEncoderTest {
    static final FloatMatrix TRAIN = TestData.clustered(3000, 40, 11);
    static final FloatMatrix TEST = TestData.clustered(40, 40, 12);
    /** 48 bits over 40 dimensions: 6 subspaces over the principal components a 48-bit allocation reaches. */
    static final PqEncoder PQ = (PqEncoder) Encoders.fit("pq", TRAIN, FitOptions.bits(48));

    static int byteOf(long[] code, int k) {
        return (int) ((code[k >>> 3] >>> ((k & 7) << 3)) & 0xFF);
    }

    static double sqDist(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }

    @Test
    void scoreIsCosineOfQueryWithTheDecodedCode() {
        PackedCodes codes = PQ.encodeAll(TEST);
        float[] inv = PQ.inverseNorms(codes);
        for (int qi = 0; qi < 5; qi++) {
            float[] q = TEST.row(qi);
            QueryScorer s = PQ.scorer(q);
            assertTrue(s.normalized());
            for (int i = 0; i < codes.count(); i++) {
                float[] x = PQ.decode(codes.data(), i * codes.words());
                double dot = 0;
                double n = 0;
                for (int j = 0; j < x.length; j++) {
                    dot += (double) q[j] * x[j];
                    n += (double) x[j] * x[j];
                }
                assertEquals(dot / Math.sqrt(n), s.rawScore(codes.data(), i * codes.words()) * inv[i], 1e-4, "code " + i);
            }
        }
    }

    @Test
    void everyByteIsTheNearestCentroid() {
        // the rotation is orthonormal, so the error splits over subspaces: no single-byte change may lower it
        for (int i = 0; i < TEST.rows(); i++) {
            float[] x = TEST.row(i);
            long[] code = PQ.encode(x);
            double err = sqDist(x, PQ.decode(code, 0));
            for (int k = 0; k < PQ.subspaces(); k++) {
                int own = byteOf(code, k);
                for (int v = 0; v < 256; v++) {
                    long[] c = code.clone();
                    c[k >>> 3] = (c[k >>> 3] & ~(0xFFL << ((k & 7) << 3))) | ((long) v << ((k & 7) << 3));
                    double e = sqDist(x, PQ.decode(c, 0));
                    assertTrue(e >= err - 1e-5, "vector " + i + " subspace " + k + ": byte " + v + " fits better than " + own);
                }
            }
        }
    }

    @Test
    void reconstructsBetterThanPcaqAtTheSameBits() {
        Encoder pcaq = Encoders.fit("pcaq", TRAIN, FitOptions.bits(48));
        PackedCodes pc = pcaq.encodeAll(TEST);
        float[] pinv = pcaq.inverseNorms(pc);
        PackedCodes qc = PQ.encodeAll(TEST);
        float[] qinv = PQ.inverseNorms(qc);
        // mean cosine of each test vector with its own code's score: higher = the code keeps more of the vector
        double p = 0;
        double q = 0;
        for (int i = 0; i < TEST.rows(); i++) {
            float[] x = TEST.row(i);
            double norm = Math.sqrt(Vectors.dot(x, 0, x, 0, x.length));
            p += pcaq.scorer(x).rawScore(pc.data(), i * pc.words()) * pinv[i] / norm;
            q += PQ.scorer(x).rawScore(qc.data(), i * qc.words()) * qinv[i] / norm;
        }
        assertTrue(q > p, "pq self-cosine " + q / TEST.rows() + " should beat pcaq's " + p / TEST.rows());
    }

    @Test
    void hammingBitsFollowTheSubspaceSigns() {
        // polysemous numbering: bit u of byte k agrees with the sign of the vector's u-th coordinate in subspace k
        float[] rot = PQ.arrays().get("rotation");
        float[] mean = PQ.arrays().get("mean");
        float[] dims = PQ.arrays().get("subspaceDims");
        int d = PQ.dimension();
        int agree = 0;
        int total = 0;
        for (int i = 0; i < TRAIN.rows(); i += 7) {
            float[] x = TRAIN.row(i);
            long[] code = PQ.encode(x);
            int row = 0;
            for (int k = 0; k < dims.length; k++) {
                int b = byteOf(code, k);
                for (int u = 0; u < Math.min(8, (int) dims[k]); u++) {
                    double y = 0;
                    for (int j = 0; j < d; j++) {
                        y += rot[(row + u) * d + j] * (x[j] - mean[j]);
                    }
                    if ((y > 0) == (((b >>> u) & 1) != 0)) {
                        agree++;
                    }
                    total++;
                }
                row += (int) dims[k];
            }
        }
        assertTrue(agree > 0.75 * total, "only " + agree + " of " + total + " bits agree with their direction's sign");
    }

    @Test
    void assignmentIsOptimalOnSmallMatrices() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(6);
            double[][] c = new double[n][n];
            for (double[] row : c) {
                for (int j = 0; j < n; j++) {
                    row[j] = r.nextInt(4) == 0 ? r.nextInt(3) : r.nextGaussian(); // some ties
                }
            }
            int[] got = Assignment.minCost(c);
            boolean[] seen = new boolean[n];
            double cost = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(!seen[got[i]], "not a permutation");
                seen[got[i]] = true;
                cost += c[i][got[i]];
            }
            assertEquals(bruteForce(c, 0, new boolean[n]), cost, 1e-9, "trial " + trial);
        }
    }

    private static double bruteForce(double[][] c, int row, boolean[] used) {
        if (row == c.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < c.length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, c[row][j] + bruteForce(c, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    @Test
    void defaultLayoutIsPcaqsBytesStartedFromItsGrid() {
        assertEquals("pcaq-bytes", PQ.params().get("layout"));
        // each subspace is one pcaq byte: same components, and the fields of a byte add up to at most 8 bits
        PcaQuantEncoder pcaq = (PcaQuantEncoder) Encoders.fit("pcaq", TRAIN, FitOptions.bits(48));
        assertEquals(pcaq.fields(), PQ.arrays().get("rotation").length / PQ.dimension());
        // the grid start: 2 + 3 bits on two coordinates give 32 distinct starting centroids, the rest are NaN (seeded later)
        float[] pts = new float[200 * 2];
        Random r = new Random(1);
        for (int i = 0; i < pts.length; i++) {
            pts[i] = (float) r.nextGaussian();
        }
        float[] init = PqKind.gridInit(pts, 200, 2, new int[] {2, 3});
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int v = 0; v < 32; v++) {
            distinct.add(init[2 * v] + "," + init[2 * v + 1]);
        }
        assertEquals(32, distinct.size());
        assertTrue(Float.isNaN(init[2 * 32]) && Float.isNaN(init[2 * 255 + 1]));
    }

    @Test
    void eigenvalueAllocationBalancesSubspaces() {
        double[] var = {16, 8, 4, 2, 1, 0.5, 0.25, 0.125};
        int[][] g = PqKind.allocate(var, 2);
        assertEquals(4, g[0].length);
        assertEquals(4, g[1].length);
        double p0 = 1;
        double p1 = 1;
        for (int c : g[0]) {
            p0 *= var[c];
        }
        for (int c : g[1]) {
            p1 *= var[c];
        }
        // greedy under equal sizes is not exact (16 against 1 here), but far from the contiguous split (1024 against 1/64)
        assertTrue(Math.max(p0, p1) / Math.min(p0, p1) <= 16, p0 + " vs " + p1);
        assertEquals(0, g[0][0], "the strongest component leads the first subspace");
        assertEquals(1, g[1][0]);
    }

    @Test
    void refusesBadBitsAndSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(36)));
        assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(8 * 41)));
        assertTrue(e.getMessage().contains("from 8 to 320"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(32).with("weightPower", "1")));
        assertTrue(e.getMessage().contains("no setting 'weightPower'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(32).with("iterations", "0")));
        assertTrue(e.getMessage().contains("iterations must be 1..1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(48).with("components", "40")));
        assertTrue(e.getMessage().contains("balanced=1 only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Encoders.fit("pq", TRAIN, FitOptions.bits(48).with("balanced", "1").with("components", "5")));
        assertTrue(e.getMessage().contains("components must be 6..40"), e.getMessage());
        PqEncoder all = (PqEncoder) Encoders.fit("pq", TRAIN, FitOptions.bits(48).with("balanced", "1").with("components", "40"));
        assertEquals("balanced", all.params().get("layout"));
        assertEquals(40 * 40, all.arrays().get("rotation").length);
        assertEquals("40", all.params().get("components"));
    }

    @Test
    void fewerVectorsThanCentroidsStillFit() {
        FloatMatrix small = TestData.clustered(50, 16, 3);
        Encoder e = Encoders.fit("pq", small, FitOptions.bits(16).with("balanced", "1").with("components", "16"));
        // with every component kept, a training vector is reproduced almost exactly: every point can own a centroid
        float[] x = small.row(7);
        assertTrue(sqDist(x, ((PqEncoder) e).decode(e.encode(x), 0)) < 1e-6);
    }

    /** A saved encoder with one array replaced. */
    static byte[] withArray(String name, float[] value) {
        Map<String, float[]> arrays = new LinkedHashMap<>(PQ.arrays());
        arrays.put(name, value);
        Encoder fake = new Encoder() {
            @Override public String kind() { return PQ.kind(); }
            @Override public int dimension() { return PQ.dimension(); }
            @Override public int bits() { return PQ.bits(); }
            @Override public void encodeInto(float[] v, int o, long[] out, int oo) { throw new UnsupportedOperationException(); }
            @Override public QueryScorer scorer(float[] q) { throw new UnsupportedOperationException(); }
            @Override public Map<String, String> params() { return PQ.params(); }
            @Override public Map<String, float[]> arrays() { return arrays; }
        };
        return EncoderFiles.toBytes(fake);
    }

    @Test
    void badFilesAreRefusedWithTheReason() throws Exception {
        Path p = Path.of("bad.bse");
        // the unmodified state loads and encodes the same
        Encoder same = EncoderFiles.fromBytes(withArray("mean", PQ.arrays().get("mean")), p);
        assertEquals(EncoderFiles.fingerprint(PQ), EncoderFiles.fingerprint(same));

        float[] rot = PQ.arrays().get("rotation").clone();
        rot[5] += 0.1f;
        assertRefused(withArray("rotation", rot), "not orthonormal");
        float[] dims = PQ.arrays().get("subspaceDims").clone();
        dims[0] += 1;
        assertRefused(withArray("subspaceDims", dims), "'rotation' holds " + rot.length + " values");
        dims[0] += 40;
        assertRefused(withArray("subspaceDims", dims), "invalid size");
        dims = PQ.arrays().get("subspaceDims").clone();
        dims[0] = 6.5f;
        assertRefused(withArray("subspaceDims", dims), "invalid size 6.5");
        assertRefused(withArray("subspaceDims", new float[5]), "'subspaceDims' holds 5 values, expected 6");
        float[] books = PQ.arrays().get("codebooks");
        assertRefused(withArray("codebooks", java.util.Arrays.copyOf(books, books.length - 1)), "expected " + books.length);
        Map<String, float[]> missing = new LinkedHashMap<>(PQ.arrays());
        missing.remove("rotation");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Encoders.kind("pq").restore(PQ.dimension(), PQ.bits(), PQ.params(), missing));
        assertTrue(e.getMessage().contains("lacks array 'rotation'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Encoders.kind("pq").restore(PQ.dimension(), 44, PQ.params(), PQ.arrays()));
        assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
    }

    private static void assertRefused(byte[] file, String reason) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> EncoderFiles.fromBytes(file, Path.of("bad.bse")));
        assertTrue(e.getMessage().contains("inconsistent pq encoder") && e.getMessage().contains(reason), e.getMessage());
    }
}
