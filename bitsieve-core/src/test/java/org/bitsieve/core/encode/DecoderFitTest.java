package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The decoder fit's faster forms change no bit: {@link Linear#solveAll} against the one-system elimination it replaced, and
 * {@link WitqKind#fitDecoder} against the one-row, one-system-at-a-time loop it replaced (the shipped general encoders
 * must come out byte for byte as their records say).
 */
class DecoderFitTest {
    /** Linear.solve as it was: one system, its own elimination. */
    static double[] referenceSolve(double[][] a, double[] b) {
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

    @Test
    void solveAllIsSolvePerSystemBitForBit() {
        Random r = new Random(5);
        for (int n : new int[] {1, 2, 7, 33, 64}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] = r.nextGaussian() + (i == j ? n : 0);
                }
            }
            a[0][0] = n > 1 ? 0 : 1; // forces a pivot swap when n > 1
            int cols = 1 + r.nextInt(9);
            double[][] b = new double[n][cols];
            for (double[] row : b) {
                for (int k = 0; k < cols; k++) {
                    row[k] = r.nextGaussian();
                }
            }
            double[][] all = Linear.solveAll(a, b);
            for (int k = 0; k < cols; k++) {
                double[] rhs = new double[n];
                for (int i = 0; i < n; i++) {
                    rhs[i] = b[i][k];
                }
                double[] one = referenceSolve(a, rhs);
                assertArrayEquals(one, Linear.solve(a, rhs));
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(one[i]), Double.doubleToRawLongBits(all[i][k]), "n " + n + " system " + k + " row " + i);
                }
            }
        }
        assertThrows(ArithmeticException.class, () -> Linear.solveAll(new double[2][2], new double[2][1]));
    }

    /** The decoder fit as it was: row by row, one Gaussian elimination per dimension. */
    static float[] reference(PlaneEncoder enc, FloatMatrix x, float[] c) {
        int b = enc.bits();
        int d = x.dim();
        int n = x.rows();
        double[][] sts = new double[b][b];
        double[][] stx = new double[b][d];
        float[] proj = new float[b];
        float[] sgn = new float[b];
        for (int i = 0; i < n; i++) {
            enc.project(x.data(), i * d, proj);
            for (int j = 0; j < b; j++) {
                sgn[j] = proj[j] > 0 ? 1f : -1f;
            }
            for (int j = 0; j < b; j++) {
                double sj = sgn[j];
                for (int m = j; m < b; m++) {
                    sts[j][m] += sj * sgn[m];
                }
                for (int m = 0; m < d; m++) {
                    stx[j][m] += sj * (x.get(i, m) - c[m]);
                }
            }
        }
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < j; m++) {
                sts[j][m] = sts[m][j];
            }
            sts[j][j] += 1e-6 * n;
        }
        float[] dec = new float[b * d];
        for (int m = 0; m < d; m++) {
            double[] rhs = new double[b];
            for (int j = 0; j < b; j++) {
                rhs[j] = stx[j][m];
            }
            double[] sol = referenceSolve(sts, rhs);
            for (int j = 0; j < b; j++) {
                dec[j * d + m] = (float) sol[j];
            }
        }
        return dec;
    }

    @Test
    void fitDecoderIsTheOriginalLoopBitForBit() {
        FloatMatrix x = TestData.clustered(1500, 40, 3);
        WitqEncoder e = (WitqEncoder) Encoders.fit("witq", x, FitOptions.bits(24));
        PlaneEncoder planes = new PlaneEncoder("witq", 40, e.arrays().get("planes"), e.arrays().get("offsets"), java.util.Map.of());
        float[] c = e.arrays().get("center");
        assertArrayEquals(reference(planes, x, c), WitqKind.fitDecoder(planes, x, c));
        assertArrayEquals(reference(planes, x, c), e.arrays().get("decoder"), "the fit itself uses it");
        // split into fixed parts the sums differ only in rounding, and the same parts give the same bits again
        float[] parted = WitqKind.fitDecoder(planes, x, c, null, 0, 16);
        assertArrayEquals(parted, WitqKind.fitDecoder(planes, x, c, null, 0, 16));
        float[] ref = reference(planes, x, c);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], parted[i], 1e-4 * (1 + Math.abs(ref[i])));
        }
    }
}
