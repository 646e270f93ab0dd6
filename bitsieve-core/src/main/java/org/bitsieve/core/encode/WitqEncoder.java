package org.bitsieve.core.encode;

import org.bitsieve.core.PackedCodes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Codes of {@link WitqKind}: plane bits (Hamming-comparable), plus a least-squares decoder for asymmetric
 * scoring: score = cos(q, c + sum_j s_j D_j) with s_j = ±1. The numerator is a per-byte sum; the norm depends
 * only on the code and is computed once per code from per-byte partial reconstructions.
 *
 * <p>Optionally ({@code factorBits} f > 0) the last f bits of the code hold a correction factor instead of planes:
 * rho = cos(x, decoded code), measured when the vector is encoded and stored as a thermometer of f + 1 levels
 * (level l = the l lowest of those bits set, so Hamming distance over them is the level difference). The
 * asymmetric score is then divided by the level's rho (the RaBitQ estimator of the cosine), which calibrates
 * scores across codes (STS-like uses) at the price of f planes.
 */
public final class WitqEncoder implements Encoder {
    private final PlaneEncoder planes;
    private final float[] center;
    private final float[] decoder; // planeBits x dim
    private final float[][] decoderT; // dim x planeBits: the layout Vectors.multiply vectorises over (the per-query projections)
    private final float[] factorBounds; // f ascending thresholds on rho; level = how many are <= rho
    private final float[] factorLevels; // f + 1 representative rho values
    private final Map<String, String> params;
    private final ThreadLocal<float[][]> scratch;

    WitqEncoder(PlaneEncoder planes, float[] center, float[] decoder, Map<String, String> params) {
        this(planes, center, decoder, new float[0], new float[] {1f}, params);
    }

    WitqEncoder(PlaneEncoder planes, float[] center, float[] decoder, float[] factorBounds, float[] factorLevels, Map<String, String> params) {
        if (factorLevels.length != factorBounds.length + 1) {
            throw new IllegalArgumentException("witq correction factor: " + factorBounds.length + " bounds need "
                    + (factorBounds.length + 1) + " levels, got " + factorLevels.length);
        }
        for (int k = 0; k < factorLevels.length; k++) {
            if (!(factorLevels[k] > 0f && factorLevels[k] < Float.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("witq correction factor: level " + k + " is " + factorLevels[k] + ", not a positive number");
            }
        }
        for (int k = 0; k < factorBounds.length; k++) {
            if (!Float.isFinite(factorBounds[k]) || k > 0 && factorBounds[k] < factorBounds[k - 1]) {
                throw new IllegalArgumentException("witq correction factor: bounds must be finite and ascending");
            }
        }
        this.planes = planes;
        this.center = center;
        this.decoder = decoder;
        this.factorBounds = factorBounds;
        this.factorLevels = factorLevels;
        this.params = Map.copyOf(params);
        int b = planes.bits();
        int d = planes.dimension();
        this.decoderT = new float[d][b];
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < d; m++) {
                decoderT[m][j] = decoder[j * d + m];
            }
        }
        this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[b], new float[d]});
    }

    /** Rows of weight with which {@link #adaptedTo} pulls the refitted decoder towards this one. */
    static final double ADAPT_DECODER_PULL = 1000;

    /**
     * This encoder with its planes kept and its thresholds and decoder fitted to a collection's own vectors
     * ({@code sample}, drawn uniformly from the collection): each plane's threshold at its median over the sample, so
     * every bit splits the collection in half (a general encoder's thresholds sit where general text is split, and a
     * narrow domain leaves many bits nearly constant), and the decoder refitted around the sample's mean, pulled
     * towards this one with the weight of {@value #ADAPT_DECODER_PULL} rows. Decided on validation data (issue 25,
     * docs/general-encoders.md "Adapted thresholds"): on nine validation splits, asymmetric kNN loss 1.29 to 0.87 and
     * Hamming 2.91 to 2.17. Codes of the adapted encoder are not comparable with this one's. Not for encoders with a
     * correction factor (its levels were set for these thresholds).
     */
    public WitqEncoder adaptedTo(org.bitsieve.core.FloatMatrix sample) {
        if (factorBits() > 0) {
            throw new IllegalArgumentException("a witq encoder with a correction factor cannot be adapted: its levels belong to its thresholds");
        }
        PlaneEncoder adapted = planes.withMedianThresholds(sample); // refuses a sample of another dimension or < 2 rows
        double[] mu = org.bitsieve.core.linalg.Pca.columnMeans(sample);
        float[] mean = new float[mu.length];
        for (int m = 0; m < mean.length; m++) {
            mean[m] = (float) mu[m];
        }
        float[] dec = WitqKind.fitDecoder(adapted, sample, mean, decoder, ADAPT_DECODER_PULL, 16);
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("adaptedTo", sample.rows() + " vectors");
        return new WitqEncoder(adapted, mean, dec, p);
    }

    @Override public String kind() { return WitqKind.NAME; }

    @Override public int dimension() { return planes.dimension(); }

    @Override public int bits() { return planes.bits() + factorBits(); }

    /** Bits of the correction factor at the end of the code (0: none). */
    public int factorBits() { return factorBounds.length; }

    @Override
    public void encodeRowsInto(float[] data, int offset, int rows, long[] out, int outOffset) {
        if (factorBits() == 0) { // the planes' codes are the whole code
            planes.encodeRowsInto(data, offset, rows, out, outOffset);
        } else {
            Encoder.super.encodeRowsInto(data, offset, rows, out, outOffset);
        }
    }

    @Override
    public void encodeInto(float[] vector, int offset, long[] out, int outOffset) {
        planes.encodeInto(vector, offset, out, outOffset);
        int f = factorBits();
        if (f == 0) {
            return;
        }
        int pb = planes.bits();
        for (int w = PackedCodes.wordsFor(pb); w < words(); w++) {
            out[outOffset + w] = 0L;
        }
        int level = level(factorBounds, rho(vector, offset));
        for (int u = 0; u < level; u++) {
            int j = pb + u;
            out[outOffset + (j >>> 6)] |= 1L << (j & 63);
        }
    }

    /** The thermometer level of a correction factor: how many of the ascending bounds it reaches. */
    static int level(float[] bounds, double rho) {
        int l = 0;
        while (l < bounds.length && rho >= bounds[l]) {
            l++;
        }
        return l;
    }

    /** rho = cos(x, c + sum_j s_j D_j) for the plane bits s of x: how well x's code represents it. */
    double rho(float[] x, int offset) {
        float[][] t = scratch.get();
        float[] p = t[0];
        float[] h = t[1];
        int d = dimension();
        planes.project(x, offset, p);
        System.arraycopy(center, 0, h, 0, d);
        for (int j = 0; j < p.length; j++) {
            float s = p[j] > 0 ? 1f : -1f; // the sign the code holds (PlaneEncoder.encodeInto)
            int o = j * d;
            for (int m = 0; m < d; m++) {
                h[m] += s * decoder[o + m];
            }
        }
        double xh = 0;
        double hh = 0;
        double xx = 0;
        for (int m = 0; m < d; m++) {
            double v = x[offset + m];
            xh += v * h[m];
            hh += (double) h[m] * h[m];
            xx += v * v;
        }
        return hh > 0 && xx > 0 ? xh / Math.sqrt(hh * xx) : 0;
    }

    @Override
    public QueryScorer scorer(float[] query) {
        Vectors.check(query, dimension());
        int b = planes.bits();
        int d = dimension();
        float[] t = new float[bits()]; // the factor's bits weigh 0: they only divide, through inverseNorms
        Vectors.multiply(query, 0, decoderT, b, t); // D_j . q for every j, summed over dimensions in order
        // q . c rides on byte 0 so that it is divided by the norm as well
        return QueryScorer.ofSigns(t, Vectors.dot(query, 0, center, 0, d), true);
    }

    @Override
    public float[] inverseNorms(PackedCodes codes) {
        int b = planes.bits();
        int f = factorBits();
        int d = dimension();
        int bytes = (b + 7) >>> 3;
        // per byte and byte value: the partial reconstruction sum_{bits in byte} s_j D_j (bytes x 256 x dim)
        float[][] part = new float[bytes * 256][];
        IntStream.range(0, bytes).parallel().forEach(k -> {
            int n = Math.min(8, b - 8 * k);
            for (int v = 0; v < (1 << n); v++) {
                float[] r = new float[d];
                for (int u = 0; u < n; u++) {
                    float sign = ((v >>> u) & 1) != 0 ? 1f : -1f;
                    int o = (8 * k + u) * d;
                    for (int m = 0; m < d; m++) {
                        r[m] += sign * decoder[o + m];
                    }
                }
                part[(k << 8) | v] = r;
            }
        });
        float[] out = new float[codes.count()];
        long[] data = codes.data();
        int words = codes.words();
        IntStream.range(0, (codes.count() + 1023) / 1024).parallel().forEach(chunk -> {
            float[] x = new float[d];
            int from = chunk * 1024;
            int to = Math.min(codes.count(), from + 1024);
            for (int i = from; i < to; i++) {
                System.arraycopy(center, 0, x, 0, d);
                int o = i * words;
                for (int k = 0; k < bytes; k++) {
                    int v = (int) ((data[o + (k >>> 3)] >>> ((k & 7) << 3)) & 0xFF);
                    float[] r = part[(k << 8) | (v & ((1 << Math.min(8, b - 8 * k)) - 1))]; // a partial byte may hold factor bits
                    for (int m = 0; m < d; m++) {
                        x[m] += r[m];
                    }
                }
                double s = 0;
                for (int m = 0; m < d; m++) {
                    s += (double) x[m] * x[m];
                }
                double rho = 1;
                if (f > 0) {
                    int level = 0;
                    for (int u = 0; u < f; u++) {
                        level += codes.bit(i, b + u) ? 1 : 0; // a thermometer: counting its bits reads the level
                    }
                    rho = factorLevels[level];
                }
                out[i] = s > 0 ? (float) (1.0 / (Math.sqrt(s) * rho)) : 0f;
            }
        });
        return out;
    }

    @Override public Map<String, String> params() { return params; }

    @Override
    public Map<String, float[]> arrays() {
        Map<String, float[]> m = new LinkedHashMap<>(planes.arrays());
        m.put("center", center);
        m.put("decoder", decoder);
        if (factorBits() > 0) {
            m.put("factorBounds", factorBounds);
            m.put("factorLevels", factorLevels);
        }
        return m;
    }
}
