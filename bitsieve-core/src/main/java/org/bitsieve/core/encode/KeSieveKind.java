package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The KE Sieve of K. Eswaran ("A non iterative method of separation of points by planes in n dimensions and
 * its application", arXiv 1509.08742), reconstructed from its public description.
 *
 * <p>Points are taken in a seeded random order. Each point's orientation vector holds one bit per plane found
 * so far. A point whose orientation vector equals that of a point already taken is "special"; its partner is
 * that earlier point. When n special points are collected (n = dimension), one plane is added through the
 * midpoints of every special point and its partner: with the midpoints as rows of M, solve {@code M a = 1},
 * then {@code w = a / |a|}, {@code c = 1 / |a|}. A plane through the midpoint of two points always puts them
 * on opposite sides ({@code a.p - 1 = -(a.q - 1)}), so every pair in the batch is separated. This repeats
 * until every point differs from every other.
 *
 * <p>Our reading of the unclear steps:
 * <ul>
 *   <li><b>Duplicates</b> (identical vectors) cannot be separated by any plane; they are detected and left
 *       sharing a code, and never become special.</li>
 *   <li><b>Re-checks</b>: after a plane is added, all points taken so far get the new bit. Two specials that
 *       shared a partner may still share a code with each other; such points become special again.</li>
 *   <li><b>Singular systems</b>: M may be singular or ill-conditioned (e.g. nearly repeated midpoints). We
 *       solve the ridge-regularised least-squares system {@code (M^T M + eps I) a = M^T 1} with a tiny eps,
 *       which equals the exact solution when M is well-conditioned.</li>
 *   <li><b>The last batch</b>, with fewer than n specials left when all points are taken: the system is
 *       under-determined; we take its minimum-norm solution {@code a = M^T (M M^T + eps I)^-1 1}.</li>
 *   <li><b>Budget</b>: with a cap on bits, the sieve stops when the cap is reached, leaving the remaining
 *       collisions unseparated.</li>
 * </ul>
 * Expect poor similarity codes: a plane through n data midpoints in n dimensions has its normal along the
 * direction in which those points vary least, so the bits separate points but carry little meaning. We
 * measure and report this (README).
 */
final class KeSieveKind implements EncoderKind {
    static final String NAME = "kesieve";
    /** Guard against runaway fits on pathological data. */
    static final int MAX_PLANES = 65536;

    @Override public String name() { return NAME; }

    @Override public String summary() { return "K. Eswaran's point-separation sieve (faithful reconstruction; bit count from the data)"; }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 0 || bits > MAX_PLANES) {
            throw new IllegalArgumentException("kesieve bits cap must be 0 (no cap) .. " + MAX_PLANES + ", got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed()); // sample() also shuffles: the random order
        int n = s.rows();
        int d = s.dim();
        int cap = o.bits() == 0 ? MAX_PLANES : o.bits();
        List<double[]> normals = new ArrayList<>();
        List<Double> offsets = new ArrayList<>();
        // codes[i] grows one bit per plane
        long[][] codes = new long[n][1];
        Map<Key, Integer> seen = new HashMap<>();
        List<int[]> specials = new ArrayList<>();
        int taken = 0;
        int duplicates = 0;
        while (normals.size() < cap) {
            if (specials.size() < d && taken < n) {
                int i = taken++;
                Key k = new Key(codes[i], normals.size());
                Integer partner = seen.putIfAbsent(k, i);
                if (partner != null) {
                    if (identical(s, i, partner)) {
                        duplicates++;
                    } else {
                        specials.add(new int[] {i, partner});
                    }
                }
                continue;
            }
            if (specials.isEmpty()) {
                break; // every point taken and separated
            }
            double[] a = solveThroughMidpoints(s, specials);
            double norm = 0;
            for (double v : a) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0) || !Double.isFinite(norm)) {
                break; // degenerate: no plane can be fitted (cannot happen unless all midpoints are zero)
            }
            double[] w = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] = a[j] / norm;
            }
            int bit = normals.size();
            normals.add(w);
            offsets.add(1.0 / norm);
            // extend every taken point's orientation vector, then re-check for collisions
            for (int i = 0; i < taken; i++) {
                if (sideOf(s, i, w, 1.0 / norm)) {
                    setBit(codes, i, bit);
                }
            }
            seen.clear();
            specials.clear();
            duplicates = 0;
            for (int i = 0; i < taken; i++) {
                Integer partner = seen.putIfAbsent(new Key(codes[i], normals.size()), i);
                if (partner != null) {
                    if (identical(s, i, partner)) {
                        duplicates++;
                    } else {
                        specials.add(new int[] {i, partner});
                    }
                }
            }
            o.progress().update(taken, n);
            if (specials.size() > d) {
                // more collisions than one plane handles: keep the batch at n, the rest wait for the next plane
                specials.subList(d, specials.size()).clear();
            }
        }
        int bits = normals.size();
        float[] planes = new float[bits * d];
        float[] off = new float[bits];
        for (int j = 0; j < bits; j++) {
            for (int k = 0; k < d; k++) {
                planes[j * d + k] = (float) normals.get(j)[k];
            }
            off[j] = offsets.get(j).floatValue();
        }
        return new PlaneEncoder(NAME, d, planes, off, Encoders.params(
                "seed", Long.toString(o.seed()),
                "points", Integer.toString(n),
                "cap", o.bits() == 0 ? "none" : Integer.toString(o.bits()),
                "duplicatePoints", Integer.toString(duplicates),
                "unseparatedPairsLeft", Integer.toString(specials.size())));
    }

    /** Solves M a = 1 for the midpoints (rows of M) of each special point and its partner. */
    static double[] solveThroughMidpoints(FloatMatrix s, List<int[]> specials) {
        int m = specials.size();
        int d = s.dim();
        double[][] mid = new double[m][d];
        for (int r = 0; r < m; r++) {
            int i = specials.get(r)[0];
            int p = specials.get(r)[1];
            for (int j = 0; j < d; j++) {
                mid[r][j] = 0.5 * ((double) s.get(i, j) + s.get(p, j));
            }
        }
        if (m >= d) {
            // (M^T M + eps I) a = M^T 1
            double[][] g = new double[d][d];
            double[] rhs = new double[d];
            for (int r = 0; r < m; r++) {
                double[] row = mid[r];
                for (int j = 0; j < d; j++) {
                    rhs[j] += row[j];
                    double rj = row[j];
                    for (int k = j; k < d; k++) {
                        g[j][k] += rj * row[k];
                    }
                }
            }
            symmetrize(g);
            ridge(g);
            return Linear.solve(g, rhs);
        }
        // minimum-norm: a = M^T (M M^T + eps I)^-1 1
        double[][] g = new double[m][m];
        for (int r = 0; r < m; r++) {
            for (int q = r; q < m; q++) {
                double v = 0;
                for (int j = 0; j < d; j++) {
                    v += mid[r][j] * mid[q][j];
                }
                g[r][q] = v;
            }
        }
        symmetrize(g);
        ridge(g);
        double[] ones = new double[m];
        Arrays.fill(ones, 1.0);
        double[] y = Linear.solve(g, ones);
        double[] a = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                a[j] += mid[r][j] * y[r];
            }
        }
        return a;
    }

    private static void symmetrize(double[][] g) {
        for (int j = 0; j < g.length; j++) {
            for (int k = 0; k < j; k++) {
                g[j][k] = g[k][j];
            }
        }
    }

    private static void ridge(double[][] g) {
        double trace = 0;
        for (int j = 0; j < g.length; j++) {
            trace += g[j][j];
        }
        double eps = Math.max(1e-12, 1e-9 * trace / g.length);
        for (int j = 0; j < g.length; j++) {
            g[j][j] += eps;
        }
    }

    private static boolean sideOf(FloatMatrix s, int i, double[] w, double c) {
        double v = 0;
        int d = s.dim();
        float[] data = s.data();
        int o = i * d;
        for (int j = 0; j < d; j++) {
            v += w[j] * data[o + j];
        }
        return v - c > 0;
    }

    private static boolean identical(FloatMatrix s, int i, int p) {
        int d = s.dim();
        float[] data = s.data();
        return Arrays.equals(data, i * d, (i + 1) * d, data, p * d, (p + 1) * d);
    }

    private static void setBit(long[][] codes, int i, int bit) {
        int w = bit >>> 6;
        if (w >= codes[i].length) {
            codes[i] = Arrays.copyOf(codes[i], w + 1);
        }
        codes[i][w] |= 1L << (bit & 63);
    }

    /** A code of a given bit length, hashed by value. */
    private static final class Key {
        final long[] words;
        final int hash;

        Key(long[] code, int bits) {
            int n = (bits + 63) >>> 6;
            this.words = Arrays.copyOf(code, Math.max(1, n));
            this.hash = Arrays.hashCode(words);
        }

        @Override public int hashCode() { return hash; }

        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(words, k.words); }
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        return Encoders.restorePlanes(NAME, dim, bits, params, arrays);
    }
}
