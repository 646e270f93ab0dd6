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
        FloatMatrix rs = s.rows() > MAX_ROTATION_SAMPLE ? s.slice(0, MAX_ROTATION_SAMPLE) : s;
        int n = rs.rows();
        float[][] po = rotatedPlanes(rs, mean, p, b, b, o);
        float[] planes = po[0];
        float[] offsets = po[1];
        return new PlaneEncoder(name(), d, planes, offsets,
                Encoders.params("seed", Long.toString(o.seed()), "iterations", Integer.toString(ITERATIONS),
                        "rotationSample", Integer.toString(n)));
    }

    /**
     * The ITQ core shared with {@code witq}: project {@code rs - center} on P (d x k, row-major), learn a k x b
     * rotation R with orthonormal columns by {@link #ITERATIONS} alternations, and return the planes
     * {@code w_j = (P R)_j} (b x d) and offsets {@code c_j = w_j . center}.
     */
    static float[][] rotatedPlanes(FloatMatrix rs, float[] center, float[] p, int k, int b, FitOptions o) {
        int d = rs.dim();
        int n = rs.rows();
        float[][] pRows = new float[d][];
        for (int i = 0; i < d; i++) {
            pRows[i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
        }
        float[] z = new float[n * k];
        IntStream.range(0, n).parallel().forEach(i -> {
            float[] x = new float[d];
            for (int j = 0; j < d; j++) {
                x[j] = rs.get(i, j) - center[j];
            }
            float[] out = new float[k];
            Vectors.multiply(x, 0, pRows, k, out);
            System.arraycopy(out, 0, z, i * k, k);
        });
        double[][] r = randomColumns(k, b, new SplittableRandom(o.seed()));
        for (int it = 0; it < ITERATIONS; it++) {
            r = procrustes(z, n, k, b, r);
            o.progress().update(it + 1, ITERATIONS);
        }
        float[] planes = new float[b * d];
        float[] offsets = new float[b];
        for (int j = 0; j < b; j++) {
            double off = 0;
            for (int i = 0; i < d; i++) {
                double w = 0;
                for (int m = 0; m < k; m++) {
                    w += p[i * k + m] * r[m][j];
                }
                planes[j * d + i] = (float) w;
                off += w * center[i];
            }
            offsets[j] = (float) off;
        }
        return new float[][] {planes, offsets};
    }

    /** One ITQ step: S = sign(Z R), R = polar factor of Z^T S (k x b, orthonormal columns). */
    static double[][] procrustes(float[] z, int n, int k, int b, double[][] r) {
        float[][] rf = new float[k][b];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < b; j++) {
                rf[i][j] = (float) r[i][j];
            }
        }
        int blocks = Math.max(1, Math.min(32, n / 1024));
        double[][] parts = new double[blocks][];
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            double[] m = new double[k * b];
            float[] acc = new float[k * b];
            float[] v = new float[b];
            float[] sgn = new float[b];
            int from = (int) ((long) n * blk / blocks);
            int to = (int) ((long) n * (blk + 1) / blocks);
            for (int i = from; i < to; i++) {
                Vectors.multiply(z, i * k, rf, b, v);
                for (int j = 0; j < b; j++) {
                    sgn[j] = v[j] > 0 ? 1f : -1f;
                }
                for (int a = 0; a < k; a++) {
                    float za = z[i * k + a];
                    int mo = a * b;
                    for (int j = 0; j < b; j++) {
                        acc[mo + j] += za * sgn[j];
                    }
                }
                if (((i - from) & 255) == 255 || i == to - 1) {
                    for (int j = 0; j < acc.length; j++) {
                        m[j] += acc[j];
                        acc[j] = 0f;
                    }
                }
            }
            parts[blk] = m;
        });
        double[][] m = new double[k][b];
        for (double[] part : parts) {
            for (int a = 0; a < k; a++) {
                for (int j = 0; j < b; j++) {
                    m[a][j] += part[a * b + j];
                }
            }
        }
        return polar(m);
    }

    /**
     * Orthogonal polar factor {@code M (M^T M)^(-1/2)} of an r x c matrix: the matrix closest to M with
     * orthonormal columns (r >= c) or, for a wide matrix (r < c), orthonormal rows (a tight frame), i.e.
     * {@code U V^T} of M's thin SVD either way. The wide case lets witq spend more bits than dimensions.
     */
    static double[][] polar(double[][] m) {
        if (m.length < m[0].length) {
            return transpose(polar(transpose(m)));
        }
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

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    /** A random k x b matrix with orthonormal columns (or rows, when k < b) (polar factor of a seeded Gaussian matrix). */
    static double[][] randomColumns(int k, int b, SplittableRandom rnd) {
        double[][] g = new double[k][b];
        for (int i = 0; i < k; i++) {
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
