package org.bitsieve.core.linalg;

import org.bitsieve.core.FloatMatrix;

import java.util.stream.IntStream;

/** Principal components of a sample: its mean, and covariance eigenvectors sorted by variance. */
public final class Pca {
    private final float[] mean;
    private final double[] variances;
    private final double[][] components; // components[j] = j-th principal direction (unit)

    private Pca(float[] mean, double[] variances, double[][] components) {
        this.mean = mean;
        this.variances = variances;
        this.components = components;
    }

    public static Pca fit(FloatMatrix x) {
        int n = x.rows();
        int d = x.dim();
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 vectors, got " + n);
        }
        double[] mu = columnMeans(x);
        float[] data = x.data();
        // covariance, accumulated in parallel blocks of rows (row-major saxpy, vectorisable)
        int blocks = Math.max(1, Math.min(64, n / 2048));
        double[][] partial = new double[blocks][];
        IntStream.range(0, blocks).parallel().forEach(b -> {
            double[] c = new double[d * d];
            double[] row = new double[d];
            int from = (int) ((long) n * b / blocks);
            int to = (int) ((long) n * (b + 1) / blocks);
            for (int i = from; i < to; i++) {
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    row[j] = data[o + j] - mu[j];
                }
                for (int j = 0; j < d; j++) {
                    double rj = row[j];
                    int co = j * d;
                    for (int k = j; k < d; k++) {
                        c[co + k] += rj * row[k];
                    }
                }
            }
            partial[b] = c;
        });
        double[][] cov = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int k = j; k < d; k++) {
                double s = 0;
                for (double[] p : partial) {
                    s += p[j * d + k];
                }
                s /= (n - 1);
                cov[j][k] = s;
                cov[k][j] = s;
            }
        }
        SymmetricEigen eig = new SymmetricEigen(cov);
        double[][] comps = new double[d][];
        double[] vars = eig.values().clone();
        for (int j = 0; j < d; j++) {
            comps[j] = eig.vector(j);
            vars[j] = Math.max(0, vars[j]);
        }
        float[] meanF = new float[d];
        for (int j = 0; j < d; j++) {
            meanF[j] = (float) mu[j];
        }
        return new Pca(meanF, vars, comps);
    }

    public float[] mean() { return mean; }

    /** The mean of each column, summed in double in row order. */
    public static double[] columnMeans(FloatMatrix x) {
        int n = x.rows();
        int d = x.dim();
        double[] mu = new double[d];
        float[] data = x.data();
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                mu[j] += data[o + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        return mu;
    }

    public double[] variances() { return variances; }

    public double[] component(int j) { return components[j]; }

    public int dim() { return mean.length; }
}
