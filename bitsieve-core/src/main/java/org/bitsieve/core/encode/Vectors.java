package org.bitsieve.core.encode;

/** Small checked vector helpers shared by encoders. */
public final class Vectors {
    private Vectors() {}

    public static void check(float[] v, int dim) {
        if (v.length != dim) {
            throw new IllegalArgumentException("vector has dimension " + v.length + ", expected " + dim);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("vector value at index " + i + " is " + v[i] + "; only finite numbers are allowed");
            }
        }
    }

    /**
     * Bounds on a vector's Euclidean norm that scoring can take: scorers work in float32, so a norm near 1e-45
     * makes 1/norm overflow to Infinity, and values near 3e38 overflow when squared. Real embeddings have norms
     * near 1; these bounds leave twelve orders of magnitude either way.
     */
    public static final double MIN_NORM = 1e-12, MAX_NORM = 1e12;
    /** Largest magnitude of an encoder parameter (see {@code EncoderFiles}): with {@link #MAX_NORM} and any
     *  dimension up to 65,536 a dot product stays far below float32's 3.4e38. */
    public static final double MAX_PARAMETER = 1e12;

    /**
     * Why {@code v} cannot be scored safely (a non-finite value, or a norm outside [{@link #MIN_NORM},
     * {@link #MAX_NORM}], zero included), or null when it can.
     */
    public static String magnitudeProblem(float[] v) {
        double ss = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return "value at index " + i + " is " + v[i] + "; only finite numbers are allowed";
            }
            ss += (double) v[i] * v[i]; // in double: 3e38 squared is 9e76, finite there
        }
        return normProblem(ss);
    }

    /**
     * The norm half of {@link #magnitudeProblem}, for callers that checked the values themselves and summed their
     * squares in double in the same pass (the bulk paths): null when the norm is inside [{@link #MIN_NORM},
     * {@link #MAX_NORM}].
     */
    public static String normProblem(double sumOfSquares) {
        double norm = Math.sqrt(sumOfSquares);
        if (norm < MIN_NORM) {
            return norm == 0 ? "the vector is all zeros; it has no direction to compare"
                    : "its norm " + (float) norm + " is below " + MIN_NORM + " (values this small underflow when scored)";
        }
        if (norm > MAX_NORM) {
            return "its norm " + (float) norm + " is above " + MAX_NORM + " (values this large overflow when scored)";
        }
        return null;
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        // four accumulators: breaks the add dependency chain so the JIT can pipeline
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code out[0, cols) = x[xo, xo + rows) * M} with M as one array per row: the shape HotSpot's
     * superword pass vectorises on JDK 17 (a flat array with a computed row offset stayed scalar: 3.8x slower,
     * measured in bitsieve-bench EncodeVariantsBench). Four rows per pass over {@code out}, written as
     * {@code out[c] = out[c] + x0 * r0[c] + x1 * r1[c] + ...}: Java adds left to right, so every output is the same
     * sums in the same order as one row per pass (bit for bit, which the browser library mirrors), with a quarter of
     * the loads and stores of {@code out}.
     */
    public static void multiply(float[] x, int xo, float[][] m, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, cols, 0f);
        int r = 0;
        for (; r + 3 < m.length; r += 4) {
            float x0 = x[xo + r], x1 = x[xo + r + 1], x2 = x[xo + r + 2], x3 = x[xo + r + 3];
            float[] r0 = m[r], r1 = m[r + 1], r2 = m[r + 2], r3 = m[r + 3];
            for (int c = 0; c < cols; c++) {
                out[c] = out[c] + x0 * r0[c] + x1 * r1[c] + x2 * r2[c] + x3 * r3[c];
            }
        }
        for (; r < m.length; r++) {
            float xr = x[xo + r];
            float[] row = m[r];
            for (int c = 0; c < cols; c++) {
                out[c] += xr * row[c];
            }
        }
    }

    /**
     * {@link #multiply} of two vectors at once ({@code x[xa..]} into {@code outA}, {@code x[xb..]} into {@code outB}):
     * each matrix value loaded once serves both: 1.46x the vectors per second of {@link #multiply} on JDK 17, 1.05x on 25
     * (three vectors per pass is not vectorised by 17's C2; EncodeVariantsBench, docs/benchmarks.md). Every output gets the same
     * additions in the same order as {@link #multiply}, so the results are bit-identical.
     */
    public static void multiply2(float[] x, int xa, int xb, float[][] m, int cols, float[] outA, float[] outB) {
        java.util.Arrays.fill(outA, 0, cols, 0f);
        java.util.Arrays.fill(outB, 0, cols, 0f);
        int r = 0;
        for (; r + 3 < m.length; r += 4) {
            float a0 = x[xa + r], a1 = x[xa + r + 1], a2 = x[xa + r + 2], a3 = x[xa + r + 3];
            float b0 = x[xb + r], b1 = x[xb + r + 1], b2 = x[xb + r + 2], b3 = x[xb + r + 3];
            float[] r0 = m[r], r1 = m[r + 1], r2 = m[r + 2], r3 = m[r + 3];
            for (int c = 0; c < cols; c++) {
                float m0 = r0[c], m1 = r1[c], m2 = r2[c], m3 = r3[c];
                outA[c] = outA[c] + a0 * m0 + a1 * m1 + a2 * m2 + a3 * m3;
                outB[c] = outB[c] + b0 * m0 + b1 * m1 + b2 * m2 + b3 * m3;
            }
        }
        for (; r < m.length; r++) {
            float ar = x[xa + r];
            float br = x[xb + r];
            float[] row = m[r];
            for (int c = 0; c < cols; c++) {
                outA[c] += ar * row[c];
                outB[c] += br * row[c];
            }
        }
    }

}
