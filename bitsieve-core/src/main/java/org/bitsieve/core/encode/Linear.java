package org.bitsieve.core.encode;

/** Dense linear solves for the small systems fitting needs. */
final class Linear {
    private Linear() {}

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting (a and b are not modified). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
        }
        double[] x = b.clone();
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            if (m[piv][col] == 0) {
                throw new ArithmeticException("singular system");
            }
            double[] t = m[col];
            m[col] = m[piv];
            m[piv] = t;
            double tx = x[col];
            x[col] = x[piv];
            x[piv] = tx;
            double inv = 1.0 / m[col][col];
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] * inv;
                if (f != 0) {
                    double[] mr = m[r];
                    double[] mc = m[col];
                    for (int k = col; k < n; k++) {
                        mr[k] -= f * mc[k];
                    }
                    x[r] -= f * x[col];
                }
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = x[r];
            for (int k = r + 1; k < n; k++) {
                s -= m[r][k] * x[k];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
