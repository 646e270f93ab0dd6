package org.bitsieve.core.encode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encoder defined by hyperplanes: bit {@code j} is set when {@code w_j . x - c_j > 0}. The sieve, sign,
 * SimHash and ITQ all produce plane encoders; they differ only in how the planes are fitted.
 * Asymmetric score (the sieve's orientation-vector score): {@code sum_j (w_j . q - c_j) * (bit_j ? +1 : -1)},
 * divided by {@code |w . q - c| sqrt(bits)} so that it is a cosine in [-1, 1] ({@link #scaleToCosine}).
 */
public final class PlaneEncoder implements Encoder {
    private final String kind;
    private final int dim;
    private final int bits;
    private final float[] planes;     // bits x dim, row-major (as stored)
    private final float[][] planesT;  // dim x bits: the layout the projection loop vectorises over
    private final float[] offsets;
    private final Map<String, String> params;
    private final ThreadLocal<float[]> scratch;
    private final ThreadLocal<float[]> pairScratch;

    public PlaneEncoder(String kind, int dim, float[] planes, float[] offsets, Map<String, String> params) {
        if (planes.length != offsets.length * dim) {
            throw new IllegalArgumentException("planes hold " + planes.length + " floats, expected " + offsets.length + " x " + dim);
        }
        if (offsets.length == 0) {
            throw new IllegalArgumentException("a plane encoder needs at least one plane");
        }
        this.kind = kind;
        this.dim = dim;
        this.bits = offsets.length;
        this.planes = planes;
        this.offsets = offsets;
        this.params = Map.copyOf(params);
        this.planesT = new float[dim][bits];
        for (int j = 0; j < bits; j++) {
            for (int d = 0; d < dim; d++) {
                planesT[d][j] = planes[j * dim + d];
            }
        }
        this.scratch = ThreadLocal.withInitial(() -> new float[bits]);
        this.pairScratch = ThreadLocal.withInitial(() -> new float[bits]);
    }

    @Override public String kind() { return kind; }

    @Override public int dimension() { return dim; }

    @Override public int bits() { return bits; }

    /** Signed distances-to-plane (unnormalised): {@code w_j . x - c_j} for every plane. */
    public void project(float[] x, int xo, float[] out) {
        Vectors.multiply(x, xo, planesT, bits, out);
        for (int j = 0; j < bits; j++) {
            out[j] -= offsets[j];
        }
    }

    @Override
    public void encodeInto(float[] vector, int offset, long[] out, int outOffset) {
        float[] p = scratch.get();
        project(vector, offset, p);
        signs(p, out, outOffset);
    }

    /** Rows two at a time through {@link Vectors#multiply2}: the same codes as {@link #encodeInto}, bit for bit. */
    @Override
    public void encodeRowsInto(float[] data, int offset, int rows, long[] out, int outOffset) {
        float[] pa = scratch.get();
        float[] pb = pairScratch.get();
        int words = words();
        int i = 0;
        for (; i + 1 < rows; i += 2) {
            int xa = offset + i * dim;
            Vectors.multiply2(data, xa, xa + dim, planesT, bits, pa, pb);
            for (int j = 0; j < bits; j++) {
                pa[j] -= offsets[j];
                pb[j] -= offsets[j];
            }
            signs(pa, out, outOffset + i * words);
            signs(pb, out, outOffset + (i + 1) * words);
        }
        if (i < rows) {
            encodeInto(data, offset + i * dim, out, outOffset + i * words);
        }
    }

    /** Bit j of the code is set where the signed distance {@code p[j]} is positive. */
    private void signs(float[] p, long[] out, int outOffset) {
        int words = words();
        for (int w = 0; w < words; w++) {
            long word = 0;
            int base = w << 6;
            int end = Math.min(64, bits - base);
            for (int b = 0; b < end; b++) {
                if (p[base + b] > 0) {
                    word |= 1L << b;
                }
            }
            out[outOffset + w] = word;
        }
    }

    @Override
    public QueryScorer scorer(float[] query) {
        Vectors.check(query, dim);
        float[] a = new float[bits];
        project(query, 0, a);
        scaleToCosine(a, bits);
        return QueryScorer.ofSigns(a, 0f, false);
    }

    /**
     * Scales the query's plane distances {@code a} so that the score is the cosine between {@code a} and the code's
     * ±1 signs. One query's ranking is unchanged; what changes is that scores of different queries become
     * comparable: the raw sum grows with how far the query lies from the planes, which says nothing about the
     * code (STS-B Spearman of bge's shipped itq, raw 80.89, scaled 84.74; docs/general-encoders.md). The web client
     * repeats these float operations exactly (web/src/encoder.js).
     */
    static void scaleToCosine(float[] a, int bits) {
        double ss = 0;
        for (int j = 0; j < bits; j++) {
            ss += (double) a[j] * a[j];
        }
        if (ss > 0) {
            float scale = (float) (1.0 / Math.sqrt(ss * bits));
            for (int j = 0; j < bits; j++) {
                a[j] *= scale;
            }
        }
    }

    @Override public Map<String, String> params() { return params; }

    @Override
    public Map<String, float[]> arrays() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("planes", planes);
        m.put("offsets", offsets);
        return m;
    }

    /**
     * These planes with each threshold at the plane's median over a collection's own vectors ({@code sample}, drawn
     * uniformly from it), so every bit splits the collection in half; see {@link WitqEncoder#adaptedTo}, which also
     * refits its decoder. On all-MiniLM's shipped 128-bit itq, nine validation splits: kNN loss 3.21 / 5.19 to 1.93 /
     * 3.96 (asymmetric / Hamming; docs/general-encoders.md, "Adapted thresholds").
     */
    public PlaneEncoder withMedianThresholds(org.bitsieve.core.FloatMatrix sample) {
        if (sample.dim() != dim) {
            throw new IllegalArgumentException("the sample has dimension " + sample.dim() + ", the encoder takes " + dim);
        }
        int n = sample.rows();
        if (n < 2) {
            throw new IllegalArgumentException("adapting an encoder needs at least 2 sample vectors, got " + n);
        }
        PlaneEncoder raw = new PlaneEncoder(kind, dim, planes, new float[bits], Map.of());
        float[][] proj = new float[bits][n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            float[] p = new float[bits];
            raw.project(sample.data(), i * dim, p);
            for (int j = 0; j < bits; j++) {
                proj[j][i] = p[j];
            }
        });
        float[] medians = new float[bits];
        java.util.stream.IntStream.range(0, bits).parallel().forEach(j -> {
            Arrays.sort(proj[j]);
            medians[j] = splitPoint(proj[j]);
        });
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("adaptedTo", n + " vectors");
        return new PlaneEncoder(kind, dim, planes, medians, p);
    }

    /**
     * The threshold of one plane over its sorted projections (a bit is 1 where the projection is above it): the upper
     * median, unless the median value is shared by several rows. Then it would put them all on one side, and on a
     * collection of many copies (one boilerplate text, two texts repeated) every bit could end up the same for
     * everything; so the tied rows go to whichever side leaves the two sides nearest to equal, the threshold halfway to
     * the next lower value when they go above it.
     */
    static float splitPoint(float[] sorted) {
        int n = sorted.length;
        float m = sorted[n / 2];
        int lo = n / 2;
        int hi = n / 2;
        while (lo > 0 && sorted[lo - 1] == m) {
            lo--;
        }
        while (hi + 1 < n && sorted[hi + 1] == m) {
            hi++;
        }
        if (lo == hi || lo == 0) { // no tie (as before), or nothing below the tied value to split from
            return m;
        }
        long onesIfAbove = n - lo;      // the tied rows get 1
        long onesIfBelow = n - hi - 1L; // the tied rows get 0
        return Math.abs(2 * onesIfAbove - n) < Math.abs(2 * onesIfBelow - n) ? (sorted[lo - 1] + m) / 2 : m;
    }

    public float[] plane(int j) { return Arrays.copyOfRange(planes, j * dim, (j + 1) * dim); }

    public float offset(int j) { return offsets[j]; }
}
