package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.linalg.Pca;
import org.bitsieve.core.linalg.SymmetricEigen;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Iterative quantization (Gong and Lazebnik, CVPR 2011): project on the top {@code bits} principal
 * components, then learn a rotation that minimises the quantisation error {@code ||B - Z R||}, alternating
 * B = sign(Z R) and the orthogonal Procrustes solution for R.
 */
final class ItqKind implements EncoderKind {
    static final int ITERATIONS = 50;
    /** ITQ's rotation converges on a modest sample; more rows only cost time. */
    static final int MAX_ROTATION_SAMPLE = 20_000;

    @Override public String name() { return "itq"; }

    @Override public String summary() { return "PCA to `bits` components, then a learned rotation (iterative quantization)"; }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 1 || bits > dim) {
            throw new IllegalArgumentException("itq needs bits <= dimension (one principal component per bit): bits must be 1.."
                    + dim + ", got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        Pca pca = Pca.fit(s);
        int d = s.dim();
        int b = o.bits();
        float[] mean = pca.mean();
        // P: d x b, top components as columns (row-major)
        float[] p = new float[d * b];
        for (int j = 0; j < b; j++) {
            double[] c = pca.component(j);
            for (int i = 0; i < d; i++) {
                p[i * b + j] = (float) c[i];
            }
        }
        float[][] pRows = new float[d][];
        for (int i = 0; i < d; i++) {
            pRows[i] = java.util.Arrays.copyOfRange(p, i * b, (i + 1) * b);
        }
        FloatMatrix rs = s.rows() > MAX_ROTATION_SAMPLE ? s.slice(0, MAX_ROTATION_SAMPLE) : s;
        int n = rs.rows();
        float[] z = new float[n * b];
        IntStream.range(0, n).parallel().forEach(i -> {
            float[] x = new float[d];
            for (int k = 0; k < d; k++) {
                x[k] = rs.get(i, k) - mean[k];
            }
            float[] out = new float[b];
            Vectors.multiply(x, 0, pRows, b, out);
            System.arraycopy(out, 0, z, i * b, b);
        });
        double[][] r = randomRotation(b, new SplittableRandom(o.seed()));
        for (int it = 0; it < ITERATIONS; it++) {
            r = procrustes(z, n, b, r);
            o.progress().update(it + 1, ITERATIONS);
        }
        // planes: w_j = P r_j (column j of P R), offsets c_j = w_j . mean
        float[] planes = new float[b * d];
        float[] offsets = new float[b];
        for (int j = 0; j < b; j++) {
            double c = 0;
            for (int i = 0; i < d; i++) {
                double w = 0;
                for (int k = 0; k < b; k++) {
                    w += p[i * b + k] * r[k][j];
                }
                planes[j * d + i] = (float) w;
                c += w * mean[i];
            }
            offsets[j] = (float) c;
        }
        return new PlaneEncoder(name(), d, planes, offsets,
                Encoders.params("seed", Long.toString(o.seed()), "iterations", Integer.toString(ITERATIONS),
                        "rotationSample", Integer.toString(n)));
    }

    /** One ITQ step: B = sign(Z R), then R = polar factor of Z^T B (the square case of the rectangular step). */
    static double[][] procrustes(float[] z, int n, int b, double[][] r) {
        return WitqKind.rectProcrustes(z, n, b, b, r);
    }

    /**
     * Orthogonal polar factor {@code M (M^T M)^(-1/2)} of an r x c matrix (r >= c): the matrix with
     * orthonormal columns closest to M, i.e. {@code U V^T} of M's thin SVD.
     */
    static double[][] polar(double[][] m) {
        int r = m.length;
        int c = m[0].length;
        double[][] mtm = new double[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = i; j < c; j++) {
                double s = 0;
                for (int k = 0; k < r; k++) {
                    s += m[k][i] * m[k][j];
                }
                mtm[i][j] = s;
                mtm[j][i] = s;
            }
        }
        SymmetricEigen e = new SymmetricEigen(mtm);
        double[] lam = e.values();
        double[][] ev = e.vectors();
        double floor = Math.max(lam[0] * 1e-12, 1e-30);
        double[][] inv = new double[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = i; j < c; j++) {
                double s = 0;
                for (int k = 0; k < c; k++) {
                    s += ev[i][k] * ev[j][k] / Math.sqrt(Math.max(lam[k], floor));
                }
                inv[i][j] = s;
                inv[j][i] = s;
            }
        }
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                double s = 0;
                for (int k = 0; k < c; k++) {
                    s += m[i][k] * inv[k][j];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    static double[][] randomRotation(int b, SplittableRandom rnd) {
        double[][] g = new double[b][b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                g[i][j] = SimHashKind.gaussian(rnd);
            }
        }
        return polar(g);
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        return Encoders.restorePlanes(name(), dim, bits, params, arrays);
    }
}
