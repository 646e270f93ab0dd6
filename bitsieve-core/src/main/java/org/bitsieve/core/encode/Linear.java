package org.bitsieve.core.encode;

/** Dense linear solves for the small systems fitting needs. */
final class Linear {
    private Linear() {}

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting (a and b are not modified). */
    static double[] solve(double[][] a, double[] b) {
        double[][] column = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            column[i] = new double[] {b[i]};
        }
        double[][] x = solveAll(a, column);
        double[] out = new double[b.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i][0];
        }
        return out;
    }

    /**
     * Solves {@code a x = b} for many right-hand sides at once: {@code b} holds one row per unknown and one column per
     * system ({@code b[r][k]} is row r of system k). The elimination is done once instead of once per system, and every
     * system gets exactly the operations, in the same order, that eliminating it alone would, so the answers are
     * bit-identical to solving them one by one (DecoderFitTest); a witq decoder is 384 systems of 256 unknowns.
     */
    static double[][] solveAll(double[][] a, double[][] b) {
        int n = a.length;
        int cols = n == 0 ? 0 : b[0].length;
        double[][] m = new double[n][];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
            x[i] = b[i].clone();
        }
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
            t = x[col];
            x[col] = x[piv];
            x[piv] = t;
            double inv = 1.0 / m[col][col];
            double[] mc = m[col];
            double[] xc = x[col];
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] * inv;
                if (f != 0) {
                    double[] mr = m[r];
                    for (int k = col; k < n; k++) {
                        mr[k] -= f * mc[k];
                    }
                    double[] xr = x[r];
                    for (int k = 0; k < cols; k++) {
                        xr[k] -= f * xc[k];
                    }
                }
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double[] s = x[r];
            for (int q = r + 1; q < n; q++) {
                double mrq = m[r][q];
                double[] xq = x[q];
                for (int k = 0; k < cols; k++) {
                    s[k] -= mrq * xq[k];
                }
            }
            double d = m[r][r];
            for (int k = 0; k < cols; k++) {
                s[k] = s[k] / d;
            }
        }
        return x;
    }
}
