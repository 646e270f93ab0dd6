package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Vectors;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The projection that dominates encoding ({@code Vectors.multiply}: x[384] times a 384 x 256 matrix, the shape of
 * itq's planes and of pcaq's components at 256 bits) against candidate loop shapes. ops/s = vectors projected
 * per second on one thread; all variants compute the same 256 outputs (to float rounding: summation order of the
 * fused variants differs).
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar EncodeVariantsBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class EncodeVariantsBench {
    static final int BATCH = 1024;

    @Param({"256"})
    public int cols;

    int dim;
    float[] data;
    float[] mT;      // dim x cols (the layout the library multiplies with)
    float[] m;       // cols x dim (row per output)
    float[][] mRows; // dim rows of cols: the library's matrix, one array per row
    float[] out;
    float[] out2;
    float[] out3;
    float[] outs;
    int rows;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        FloatMatrix train = BenchData.loadImdb();
        dim = train.dim();
        data = train.data();
        rows = train.rows() / BATCH * BATCH;
        SplittableRandom r = new SplittableRandom(1);
        mT = new float[dim * cols];
        m = new float[cols * dim];
        for (int d = 0; d < dim; d++) {
            for (int c = 0; c < cols; c++) {
                float v = (float) (r.nextDouble() - 0.5);
                mT[d * cols + c] = v;
                m[c * dim + d] = v;
            }
        }
        mRows = new float[dim][];
        for (int d = 0; d < dim; d++) {
            mRows[d] = java.util.Arrays.copyOfRange(mT, d * cols, (d + 1) * cols);
        }
        out = new float[cols];
        out2 = new float[cols];
        out3 = new float[cols];
        outs = new float[4 * cols];
        float[] a = new float[cols];
        float[] b = new float[cols];
        float[] c4 = new float[4 * cols];
        flatMultiply(data, 0, mT, dim, cols, a);
        multiply4(data, 0, mT, dim, cols, b);
        float[] rr = new float[cols];
        multiplyRows(data, 0, mRows, cols, rr);
        for (int c = 0; c < cols; c++) {
            if (rr[c] != a[c]) {
                throw new IllegalStateException("multiplyRows is not bit-identical at " + c);
            }
        }
        float[] f4 = new float[cols];
        Vectors.multiply(data, 0, mRows, cols, f4);
        for (int c = 0; c < cols; c++) {
            if (f4[c] != a[c]) {
                throw new IllegalStateException("Vectors.multiply (four rows per pass) is not bit-identical at " + c);
            }
        }
        // the many-vector variants: both (all three) outputs bit-identical to the library's one-vector loop
        float[] p = new float[cols];
        float[] q = new float[cols];
        float[] t = new float[cols];
        float[] second = new float[cols];
        float[] third = new float[cols];
        Vectors.multiply(data, dim, mRows, cols, second);
        Vectors.multiply(data, 2 * dim, mRows, cols, third);
        Vectors.multiply2(data, 0, dim, mRows, cols, p, q);
        checkSame("multiply2", f4, second, p, q);
        multiply2x8(data, 0, dim, mRows, cols, p, q);
        checkSame("multiply2x8", f4, second, p, q);
        multiply3(data, 0, dim, 2 * dim, mRows, cols, p, q, t);
        checkSame("multiply3", f4, second, p, q);
        checkSame("multiply3", third, third, t, t);
        multiplyBatch4(data, 0, dim, mT, dim, cols, c4);
        for (int c = 0; c < cols; c++) {
            if (Math.abs(a[c] - b[c]) > 1e-4f || Math.abs(a[c] - c4[c]) > 1e-4f) {
                throw new IllegalStateException("variant disagrees at " + c + ": " + a[c] + " " + b[c] + " " + c4[c]);
            }
        }
    }

    private static void checkSame(String what, float[] wantA, float[] wantB, float[] gotA, float[] gotB) {
        if (!java.util.Arrays.equals(wantA, gotA) || !java.util.Arrays.equals(wantB, gotB)) {
            throw new IllegalStateException(what + " is not bit-identical to Vectors.multiply");
        }
    }

    int nextBase() {
        int base = next;
        next = (next + BATCH) % rows;
        return base;
    }

    /** The former library loop (flat matrix, see flatMultiply). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] library() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            flatMultiply(data, (base + i) * dim, mT, dim, cols, out);
        }
        return out;
    }

    /**
     * The library loop unchanged, but the matrix held as one {@code float[]} per row, so the inner loop is
     * {@code out[c] += xr * row[c]} with no invariant offset: C2 (JDK 17) vectorises this form and not
     * {@code out[c] += xr * m[mo + c]}. Same operations in the same order, so bit-identical results.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] rowArrays() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            multiplyRows(data, (base + i) * dim, mRows, cols, out);
        }
        return out;
    }

    /** {@code out[0, cols) = x[xo, xo + m.length) * M}, M given as one array per row. */
    public static void multiplyRows(float[] x, int xo, float[][] m, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, cols, 0f);
        for (int r = 0; r < m.length; r++) {
            float xr = x[xo + r];
            float[] row = m[r];
            for (int c = 0; c < cols; c++) {
                out[c] += xr * row[c];
            }
        }
    }

    /**
     * The library's loop since 2026-12-06 ({@code Vectors.multiply}): {@link #rowArrays} with four matrix rows per pass
     * over {@code out}, written as {@code out[c] = out[c] + x0 * r0[c] + x1 * r1[c] + ...}: Java adds left to right, so
     * the same sums in the same order as four separate passes (bit-identical, checked in setup), with a quarter of the
     * loads and stores of {@code out}.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] rowArraysFused4() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            Vectors.multiply(data, (base + i) * dim, mRows, cols, out);
        }
        return out;
    }

    /**
     * The library's loop for many vectors since the seventh session ({@code Vectors.multiply2}, used by
     * {@code Encoder.encodeRowsInto}): two vectors per pass, four matrix rows each, every matrix value loaded once for
     * both. Bit-identical to {@link #rowArraysFused4} (checked in setup).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] twoVectors() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i += 2) {
            Vectors.multiply2(data, (base + i) * dim, (base + i + 1) * dim, mRows, cols, out, out2);
        }
        return out2;
    }

    /** Not kept: three vectors per pass, four rows each (same order as the library, so bit-identical). */
    @Benchmark
    @OperationsPerInvocation(BATCH - 1)
    public float[] threeVectors() {
        int base = nextBase();
        for (int i = 0; i + 2 < BATCH; i += 3) {
            multiply3(data, (base + i) * dim, (base + i + 1) * dim, (base + i + 2) * dim, mRows, cols, out, out2, out3);
        }
        return out3;
    }

    /** Not kept: two vectors per pass, eight rows each, written as two four-row sums (same order as the library). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] twoVectorsEightRows() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i += 2) {
            multiply2x8(data, (base + i) * dim, (base + i + 1) * dim, mRows, cols, out, out2);
        }
        return out2;
    }

    /** Three vectors, four rows per pass; {@code m.length} a multiple of 4 (384 here). */
    static void multiply3(float[] x, int xa, int xb, int xc, float[][] m, int cols, float[] oa, float[] ob, float[] oc) {
        java.util.Arrays.fill(oa, 0, cols, 0f);
        java.util.Arrays.fill(ob, 0, cols, 0f);
        java.util.Arrays.fill(oc, 0, cols, 0f);
        for (int r = 0; r + 3 < m.length; r += 4) {
            float a0 = x[xa + r], a1 = x[xa + r + 1], a2 = x[xa + r + 2], a3 = x[xa + r + 3];
            float b0 = x[xb + r], b1 = x[xb + r + 1], b2 = x[xb + r + 2], b3 = x[xb + r + 3];
            float c0 = x[xc + r], c1 = x[xc + r + 1], c2 = x[xc + r + 2], c3 = x[xc + r + 3];
            float[] r0 = m[r], r1 = m[r + 1], r2 = m[r + 2], r3 = m[r + 3];
            for (int c = 0; c < cols; c++) {
                float m0 = r0[c], m1 = r1[c], m2 = r2[c], m3 = r3[c];
                oa[c] = oa[c] + a0 * m0 + a1 * m1 + a2 * m2 + a3 * m3;
                ob[c] = ob[c] + b0 * m0 + b1 * m1 + b2 * m2 + b3 * m3;
                oc[c] = oc[c] + c0 * m0 + c1 * m1 + c2 * m2 + c3 * m3;
            }
        }
    }

    /** Two vectors, eight rows per pass as two four-row sums; {@code m.length} a multiple of 8 (384 here). */
    static void multiply2x8(float[] x, int xa, int xb, float[][] m, int cols, float[] oa, float[] ob) {
        java.util.Arrays.fill(oa, 0, cols, 0f);
        java.util.Arrays.fill(ob, 0, cols, 0f);
        for (int r = 0; r + 7 < m.length; r += 8) {
            float[] r0 = m[r], r1 = m[r + 1], r2 = m[r + 2], r3 = m[r + 3], r4 = m[r + 4], r5 = m[r + 5], r6 = m[r + 6], r7 = m[r + 7];
            for (int c = 0; c < cols; c++) {
                float u = oa[c] + x[xa + r] * r0[c] + x[xa + r + 1] * r1[c] + x[xa + r + 2] * r2[c] + x[xa + r + 3] * r3[c];
                oa[c] = u + x[xa + r + 4] * r4[c] + x[xa + r + 5] * r5[c] + x[xa + r + 6] * r6[c] + x[xa + r + 7] * r7[c];
                float v = ob[c] + x[xb + r] * r0[c] + x[xb + r + 1] * r1[c] + x[xb + r + 2] * r2[c] + x[xb + r + 3] * r3[c];
                ob[c] = v + x[xb + r + 4] * r4[c] + x[xb + r + 5] * r5[c] + x[xb + r + 6] * r6[c] + x[xb + r + 7] * r7[c];
            }
        }
    }

    /** Four input rows fused per pass over {@code out}: a quarter of the loads/stores of {@code out}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] fused4() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            multiply4(data, (base + i) * dim, mT, dim, cols, out);
        }
        return out;
    }

    /** Four vectors at once (each matrix row loaded once per four vectors), rows fused by four. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] batch4() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i += 4) {
            multiplyBatch4(data, (base + i) * dim, dim, mT, dim, cols, outs);
        }
        return outs;
    }

    /** One dot product per output over the row-per-output layout, 8 scalar accumulators. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] dots() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            int xo = (base + i) * dim;
            for (int c = 0; c < cols; c++) {
                out[c] = dot8(data, xo, m, c * dim, dim);
            }
        }
        return out;
    }

    /** {@code out = x * M}, four rows of M per pass (rows % 4 handled by a tail). */
    public static void multiply4(float[] x, int xo, float[] m, int rows, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, cols, 0f);
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            float x0 = x[xo + r], x1 = x[xo + r + 1], x2 = x[xo + r + 2], x3 = x[xo + r + 3];
            int m0 = r * cols, m1 = m0 + cols, m2 = m1 + cols, m3 = m2 + cols;
            for (int c = 0; c < cols; c++) {
                out[c] += x0 * m[m0 + c] + x1 * m[m1 + c] + x2 * m[m2 + c] + x3 * m[m3 + c];
            }
        }
        for (; r < rows; r++) {
            float xr = x[xo + r];
            int mo = r * cols;
            for (int c = 0; c < cols; c++) {
                out[c] += xr * m[mo + c];
            }
        }
    }

    /**
     * Four consecutive vectors (stride {@code xs}) into {@code out[4 * cols]}: each pass reads two matrix rows
     * once for all four vectors (matrix traffic / 4, {@code out} traffic / 2 versus the library).
     */
    public static void multiplyBatch4(float[] x, int xo, int xs, float[] m, int rows, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, 4 * cols, 0f);
        int o1 = cols, o2 = 2 * cols, o3 = 3 * cols;
        int r = 0;
        for (; r + 1 < rows; r += 2) {
            float a0 = x[xo + r], b0 = x[xo + r + 1];
            float a1 = x[xo + xs + r], b1 = x[xo + xs + r + 1];
            float a2 = x[xo + 2 * xs + r], b2 = x[xo + 2 * xs + r + 1];
            float a3 = x[xo + 3 * xs + r], b3 = x[xo + 3 * xs + r + 1];
            int m0 = r * cols, m1 = m0 + cols;
            for (int c = 0; c < cols; c++) {
                float u = m[m0 + c], w = m[m1 + c];
                out[c] += a0 * u + b0 * w;
                out[o1 + c] += a1 * u + b1 * w;
                out[o2 + c] += a2 * u + b2 * w;
                out[o3 + c] += a3 * u + b3 * w;
            }
        }
        for (; r < rows; r++) {
            int mo = r * cols;
            for (int v = 0; v < 4; v++) {
                float xr = x[xo + v * xs + r];
                for (int c = 0; c < cols; c++) {
                    out[v * cols + c] += xr * m[mo + c];
                }
            }
        }
    }

    static float dot8(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
            s4 += a[ao + i + 4] * b[bo + i + 4];
            s5 += a[ao + i + 5] * b[bo + i + 5];
            s6 += a[ao + i + 6] * b[bo + i + 6];
            s7 += a[ao + i + 7] * b[bo + i + 7];
        }
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The library's former projection loop (flat row-major matrix), kept here as the "before" of the comparison. */
    static void flatMultiply(float[] x, int xo, float[] m, int rows, int cols, float[] out) {
        java.util.Arrays.fill(out, 0, cols, 0f);
        for (int r = 0; r < rows; r++) {
            float xr = x[xo + r];
            int mo = r * cols;
            for (int c = 0; c < cols; c++) {
                out[c] += xr * m[mo + c];
            }
        }
    }
}
