package org.bitsieve.core.coarse;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.SharedData;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vectorised assignment ({@link CellKernel}) against a straightforward double-precision reference (normalise,
 * subtract the mean, project, squared distance to every centroid, the smallest wins) on real all-MiniLM-L6-v2
 * vectors: the cells must agree except on near-ties, and every disagreement must be one.
 */
class CellKernelReferenceTest {
    /** A disagreement is a near-tie when the chosen cell is at most this much farther (relative) than the best. */
    static final double NEAR_TIE = 1e-5;

    @Test
    void assignmentsEqualTheReferenceExceptOnNearTies() throws Exception {
        Path emb = SharedData.dir().resolve("embeddings/all-minilm-l6-v2");
        FloatMatrix train = Npy.read(emb.resolve("imdb/train.npy"));
        FloatMatrix test = Npy.read(emb.resolve("imdb/test.npy"));
        // two shapes: few cells in a narrow projection (odd sizes exercise the kernel's remainders), and the
        // 4,096 x 64 of the 10M benchmark
        int[][] shapes = {{1000, 30}, {4096, 64}};
        for (int[] shape : shapes) {
            CoarseQuantizer q = CoarseQuantizer.fit(train, shape[0], shape[1], 3, 7, Progress.NONE);
            int[] fast = q.assignAll(test);
            int same = 0;
            double worst = 0;
            for (int i = 0; i < test.rows(); i++) {
                double[] dist = referenceDistances(q, test.row(i));
                int ref = argmin(dist);
                if (fast[i] == ref) {
                    same++;
                    continue;
                }
                double gap = (dist[fast[i]] - dist[ref]) / Math.max(dist[ref], 1e-12);
                worst = Math.max(worst, gap);
                assertTrue(gap <= NEAR_TIE, "row " + i + " (" + Arrays.toString(shape) + "): cell " + fast[i] + " is " + gap
                        + " farther (relative) than the reference's " + ref);
            }
            double share = same / (double) test.rows();
            System.out.printf("cells %d proj %d: %d of %d identical (%.5f), worst near-tie %.2e%n", shape[0], shape[1], same,
                    test.rows(), share, worst);
            assertTrue(share >= 0.999, "only " + share + " of the assignments equal the reference");
            // one row at a time, and the first probe, give exactly the batch's cells
            for (int i = 0; i < test.rows(); i += 97) {
                assertEquals(fast[i], q.assign(test.row(i)), "row " + i);
                assertEquals(fast[i], q.probe(test.row(i), 1)[0], "row " + i);
            }
            // a batch that starts elsewhere (other block boundaries) gives the same cells
            int off = 1234;
            FloatMatrix tail = new FloatMatrix(Arrays.copyOfRange(test.data(), off * test.dim(), test.data().length), test.rows() - off, test.dim());
            assertArrayEquals(Arrays.copyOfRange(fast, off, fast.length), q.assignAll(tail));
            // in place, on the caller's thread (the bulk load's path): the same cells
            int[] into = new int[test.rows() + 3];
            q.assignInto(test.data(), off, test.rows() - off, into, 3);
            assertArrayEquals(Arrays.copyOfRange(fast, off, fast.length), Arrays.copyOfRange(into, 3, 3 + test.rows() - off));
        }
    }

    /** Squared distance to every centroid in the projected space, all in double. */
    static double[] referenceDistances(CoarseQuantizer q, float[] v) {
        int d = q.dimension();
        int p = q.projection();
        double ss = 0;
        for (float x : v) {
            ss += (double) x * x;
        }
        double inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
        double[] y = new double[p];
        for (int k = 0; k < p; k++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (v[j] * inv - q.mean()[j]) * q.basis()[k * d + j];
            }
            y[k] = s;
        }
        double[] dist = new double[q.cells()];
        float[] c = q.centroids();
        for (int cell = 0; cell < dist.length; cell++) {
            double s = 0;
            for (int k = 0; k < p; k++) {
                double t = y[k] - c[cell * p + k];
                s += t * t;
            }
            dist[cell] = s;
        }
        return dist;
    }

    static int argmin(double[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] < a[best]) {
                best = i;
            }
        }
        return best;
    }
}
