package org.bitsieve.core.encode;

import java.util.Random;

/** Lloyd's k-means on small dimensions (a PQ subspace), single-threaded: callers run one per subspace in parallel. */
final class KMeans {
    private KMeans() {}

    /** Centroids ({@code k x ds}, row-major) and the number of iterations run. */
    record Result(float[] centroids, int iterations) {}

    /**
     * @param pts   {@code n x ds} points, row-major
     * @param seed  draws the initial centroids (distinct random points) and the points that reseed empty clusters
     */
    static Result fit(float[] pts, int n, int ds, int k, int iterations, long seed) {
        return fit(pts, n, ds, k, iterations, seed, null);
    }

    /** As above, starting from {@code init} ({@code k x ds}) where given; a centroid holding NaN gets a random point. */
    static Result fit(float[] pts, int n, int ds, int k, int iterations, long seed, float[] init) {
        Random rnd = new Random(seed);
        float[] cent = new float[k * ds];
        // initial centroids: k distinct points (a partial Fisher-Yates shuffle); with fewer points than k they repeat
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int c = 0; c < k; c++) {
            int i;
            if (c < n) {
                int j = c + rnd.nextInt(n - c);
                int t = idx[c];
                idx[c] = idx[j];
                idx[j] = t;
                i = idx[c];
            } else {
                i = idx[c % n];
            }
            System.arraycopy(pts, i * ds, cent, c * ds, ds);
        }
        if (init != null) {
            for (int c = 0; c < k; c++) {
                if (!Float.isNaN(init[c * ds])) {
                    System.arraycopy(init, c * ds, cent, c * ds, ds);
                }
            }
        }
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        float[] centT = new float[ds * k];   // dimension-major: the inner loop runs over k contiguous centroids
        float[] half = new float[k];
        float[] score = new float[k];
        double[] sums = new double[k * ds];
        int[] counts = new int[k];
        int run = 0;
        for (int it = 0; it < iterations; it++) {
            run++;
            for (int c = 0; c < k; c++) {
                float nn = 0;
                for (int j = 0; j < ds; j++) {
                    float x = cent[c * ds + j];
                    centT[j * k + c] = x;
                    nn += x * x;
                }
                half[c] = nn / 2;
            }
            java.util.Arrays.fill(sums, 0);
            java.util.Arrays.fill(counts, 0);
            int changed = 0;
            for (int i = 0; i < n; i++) {
                int po = i * ds;
                for (int c = 0; c < k; c++) {
                    score[c] = -half[c];
                }
                for (int j = 0; j < ds; j++) {
                    float x = pts[po + j];
                    int o = j * k;
                    for (int c = 0; c < k; c++) {
                        score[c] += x * centT[o + c];
                    }
                }
                int best = 0;
                float bs = score[0];
                for (int c = 1; c < k; c++) {
                    if (score[c] > bs) {
                        bs = score[c];
                        best = c;
                    }
                }
                if (assign[i] != best) {
                    changed++;
                    assign[i] = best;
                }
                counts[best]++;
                for (int j = 0; j < ds; j++) {
                    sums[best * ds + j] += pts[po + j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] > 0) {
                    for (int j = 0; j < ds; j++) {
                        cent[c * ds + j] = (float) (sums[c * ds + j] / counts[c]);
                    }
                } else if (n > k) {
                    // an empty cluster restarts at a random point, so all k centroids stay in use
                    int i = rnd.nextInt(n);
                    System.arraycopy(pts, i * ds, cent, c * ds, ds);
                    changed++;
                }
            }
            if (changed == 0) {
                break;
            }
        }
        return new Result(cent, run);
    }
}
