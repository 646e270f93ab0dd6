package org.bitsieve.core.encode;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Vectors#multiply} must give every output bit for bit the value of the plain loop (one matrix row per pass,
 * products added in row order): stored codes, the shipped encoders' golden codes and the browser library
 * (web/src/encoder.js) all depend on that order.
 */
class VectorsMultiplyTest {
    /** The reference: one row per pass, as the browser library computes it. */
    private static void reference(float[] x, int xo, float[][] m, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, cols, 0f);
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < cols; c++) {
                out[c] += x[xo + r] * m[r][c];
            }
        }
    }

    /** Values of wide exponents, so a changed order of additions would round differently. */
    private static float[] wideValues(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-3, 4)));
        }
        return v;
    }

    private static float[][] wideMatrix(SplittableRandom rnd, int rows, int cols) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = wideValues(rnd, cols);
        }
        return m;
    }

    @Test
    void sameBitsAsOneRowPerPassForEveryShape() {
        SplittableRandom rnd = new SplittableRandom(7);
        // row counts around the four-row step (tails of 0-3 rows), output counts around vector widths
        int[] rowCounts = {1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 384, 385, 386, 387, 768};
        int[] colCounts = {1, 3, 8, 15, 17, 64, 256, 257};
        for (int rows : rowCounts) {
            for (int cols : colCounts) {
                float[][] m = wideMatrix(rnd, rows, cols);
                int xo = rnd.nextInt(5);
                float[] x = wideValues(rnd, xo + rows);
                float[] want = new float[cols];
                float[] got = new float[cols + 2];
                java.util.Arrays.fill(got, Float.NaN); // stale values must be overwritten, the slack left alone
                reference(x, xo, m, cols, want);
                for (int rep = 0; rep < 3; rep++) { // also after the JIT has had a look at it
                    Vectors.multiply(x, xo, m, cols, got);
                }
                for (int c = 0; c < cols; c++) {
                    assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(got[c]),
                            "rows " + rows + ", cols " + cols + ", output " + c + ": " + want[c] + " vs " + got[c]);
                }
                assertEquals(Float.NaN, got[cols], 0f);
            }
        }
    }

    /** Enough calls for C2 to compile the vectorised loop, then the same check on the encoder's shape. */
    @Test
    void sameBitsOnceCompiled() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[][] m = new float[384][256];
        for (float[] row : m) {
            for (int c = 0; c < 256; c++) {
                row[c] = (float) (rnd.nextDouble() - 0.5);
            }
        }
        float[] x = new float[384 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        float[] want = new float[256];
        float[] got = new float[256];
        for (int round = 0; round < 200; round++) {
            int xo = (round % 64) * 384;
            Vectors.multiply(x, xo, m, 256, got);
            reference(x, xo, m, 256, want);
            for (int c = 0; c < 256; c++) {
                assertEquals(Float.floatToRawIntBits(want[c]), Float.floatToRawIntBits(got[c]), "round " + round + ", output " + c);
            }
        }
    }

    /** {@link Vectors#multiply2}: both outputs bit for bit the reference, for every shape and once compiled. */
    @Test
    void twoVectorsPerPassGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(13);
        int[] rowCounts = {1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 384, 385, 386, 387};
        int[] colCounts = {1, 3, 8, 15, 17, 64, 256, 257};
        for (int round = 0; round < 3; round++) { // the last round after C2 has compiled the loop (see below)
            for (int rows : rowCounts) {
                for (int cols : colCounts) {
                    float[][] m = wideMatrix(rnd, rows, cols);
                    float[] x = wideValues(rnd, 3 + 2 * rows);
                    int xa = 3 + rows; // the second vector first: the order of the two must not matter
                    int xb = rnd.nextInt(4);
                    float[] wantA = new float[cols];
                    float[] wantB = new float[cols];
                    reference(x, xa, m, cols, wantA);
                    reference(x, xb, m, cols, wantB);
                    float[] gotA = new float[cols + 1];
                    float[] gotB = new float[cols + 1];
                    java.util.Arrays.fill(gotA, Float.NaN);
                    java.util.Arrays.fill(gotB, Float.NaN);
                    Vectors.multiply2(x, xa, xb, m, cols, gotA, gotB);
                    for (int c = 0; c < cols; c++) {
                        assertEquals(Float.floatToRawIntBits(wantA[c]), Float.floatToRawIntBits(gotA[c]), "A: rows " + rows + ", cols " + cols + ", output " + c);
                        assertEquals(Float.floatToRawIntBits(wantB[c]), Float.floatToRawIntBits(gotB[c]), "B: rows " + rows + ", cols " + cols + ", output " + c);
                    }
                    assertEquals(Float.NaN, gotA[cols], 0f);
                    assertEquals(Float.NaN, gotB[cols], 0f);
                }
            }
            float[][] m = new float[384][256];
            for (float[] row : m) {
                for (int c = 0; c < 256; c++) {
                    row[c] = (float) (rnd.nextDouble() - 0.5);
                }
            }
            float[] x = new float[384 * 2];
            float[] a = new float[256];
            float[] b = new float[256];
            for (int warm = 0; warm < 3000; warm++) { // enough calls for C2
                Vectors.multiply2(x, 0, 384, m, 256, a, b);
            }
        }
    }
}
