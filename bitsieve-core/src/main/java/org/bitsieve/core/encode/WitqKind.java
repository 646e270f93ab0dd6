package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.linalg.Pca;

import java.util.Map;

/**
 * Weighted ITQ: sign codes built for Hamming distance that also score well asymmetrically.
 *
 * <p>Three changes to plain ITQ, each measured on the reference embeddings (see docs/encoders.md):
 * <ol>
 *   <li>more principal components than bits (1.25x, e.g. 320 for 256 bits) and a rectangular learned
 *       rotation, so the bits see more of the signal; above {@code dim} bits the rotation is a tight frame
 *       (orthonormal rows), so e.g. 512 bits on 384-d vectors are possible;</li>
 *   <li>components weighted by {@code variance^0.125} before the rotation, so strong directions get a larger
 *       share of the bits;</li>
 *   <li>offset by {@code 0.75 x mean} instead of the full mean: sentence embeddings are unit vectors far from
 *       centred, and partial centring ranked neighbours better in the parameter study.</li>
 * </ol>
 * Asymmetric scoring uses a least-squares decoder {@code D} from the ±1 codes back to {@code x - c}: the score
 * is the cosine between the query and {@code c + s D}. Setting {@code factorBits} (off by default) spends that many
 * of the bits on a per-code correction factor instead of planes ({@link WitqEncoder}).
 */
final class WitqKind implements EncoderKind {
    static final String NAME = "witq";
    static final double COMPONENTS_PER_BIT = 1.25;
    static final double WEIGHT_POWER = 0.125;
    static final float OFFSET_FRACTION = 0.75f;
    /**
     * Above {@code dim} bits the rotation becomes a tight frame (orthonormal rows): every component feeds more than
     * one bit. The ITQ alternation can then pull two columns onto the same direction (a fixed point: equal columns
     * give equal signs), which on small dimensions it does already at 1.5 bits per dimension (16-d, see
     * WitqEncoderTest), and on the shipped 512-bit encoders for bge (1 pair) and e5 (23 pairs) but not all-MiniLM
     * (no pair above |cos| 0.18; Par in results/experiments/README.md). Budgets beyond 2 bits per dimension are refused.
     */
    static final int MAX_BITS_PER_DIMENSION = 2;
    /** A thermometer of at most 8 bits (9 levels): the study found 9 levels as good as 256 (docs/general-encoders.md). */
    static final int MAX_FACTOR_BITS = 8;
    /** Vectors of the sample whose correction factors set the thermometer's levels. */
    static final int FACTOR_SAMPLE = 20_000;

    @Override public String name() { return NAME; }

    @Override public String summary() {
        return "weighted ITQ: PCA to 1.25x bits, variance^0.125 weights, offset 0.75 x mean, rectangular rotation; "
                + "least-squares decoder for asymmetric scoring";
    }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 1 || bits > MAX_BITS_PER_DIMENSION * dim) {
            throw new IllegalArgumentException("witq takes 1.." + MAX_BITS_PER_DIMENSION * dim + " bits for dimension " + dim
                    + " (at most " + MAX_BITS_PER_DIMENSION + " per dimension), got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        Pca pca = Pca.fit(s);
        int d = s.dim();
        int b = o.bits();
        java.util.Set<String> known = java.util.Set.of("componentsPerBit", "weightPower", "offsetFraction", "factorBits");
        double componentsPerBit = o.tuning("componentsPerBit", COMPONENTS_PER_BIT, known, NAME);
        double weightPower = o.tuning("weightPower", WEIGHT_POWER, known, NAME);
        float offsetFraction = (float) o.tuning("offsetFraction", OFFSET_FRACTION, known, NAME);
        double factorSetting = o.tuning("factorBits", 0, known, NAME);
        int f = (int) factorSetting;
        if (f != factorSetting || f < 0 || f > MAX_FACTOR_BITS || f >= b) {
            throw new IllegalArgumentException("witq setting factorBits must be a whole number from 0 to "
                    + Math.min(MAX_FACTOR_BITS, b - 1) + " (fewer than the " + b + " bits), got " + o.tuning().get("factorBits"));
        }
        b -= f; // the factor's bits come out of the planes' budget
        int k = Math.min(d, (int) Math.round(b * componentsPerBit));
        float[] c = pca.mean().clone();
        for (int j = 0; j < d; j++) {
            c[j] *= offsetFraction;
        }
        // P: d x k, weighted components as columns
        float[] p = new float[d * k];
        for (int j = 0; j < k; j++) {
            double w = Math.pow(Math.max(pca.variances()[j], 1e-30), weightPower);
            double[] comp = pca.component(j);
            for (int i = 0; i < d; i++) {
                p[i * k + j] = (float) (comp[i] * w);
            }
        }
        FloatMatrix rs = s.rows() > ItqKind.MAX_ROTATION_SAMPLE ? s.slice(0, ItqKind.MAX_ROTATION_SAMPLE) : s;
        int n = rs.rows();
        float[][] po = ItqKind.rotatedPlanes(rs, c, p, k, b, o);
        float[] planes = po[0];
        float[] offsets = po[1];
        PlaneEncoder enc = new PlaneEncoder(NAME, d, planes, offsets, Map.of());
        float[] decoder = fitDecoder(enc, rs, c);
        Map<String, String> params = Encoders.params("seed", Long.toString(o.seed()),
                "components", Integer.toString(k), "weightPower", Double.toString(weightPower),
                "offsetFraction", Float.toString(offsetFraction), "iterations", Integer.toString(ItqKind.ITERATIONS),
                "rotationSample", Integer.toString(n));
        if (f == 0) {
            return new WitqEncoder(enc, c, decoder, params);
        }
        // the levels are set on sample rows the rotation and decoder did not see when there are any: on their own
        // training rows codes fit better (rho higher), which put most new vectors in the lowest level
        boolean heldOut = s.rows() > n;
        FloatMatrix calibration = heldOut ? s.slice(n, Math.min(s.rows(), n + FACTOR_SAMPLE)) : rs;
        params = new java.util.LinkedHashMap<>(params);
        params.put("factorBits", Integer.toString(f));
        params.put("factorSample", calibration.rows() + (heldOut ? " held-out rows" : " rotation rows"));
        WitqEncoder plain = new WitqEncoder(enc, c, decoder, params);
        float[][] bl = factorLevels(plain, calibration, f);
        return new WitqEncoder(enc, c, decoder, bl[0], bl[1], params);
    }

    /**
     * The thermometer of the correction factor: f bounds at the (l / (f+1))-quantiles of rho over at most
     * {@link #FACTOR_SAMPLE} vectors (equal-count levels), each level decoding to the mean rho of its vectors.
     */
    static float[][] factorLevels(WitqEncoder plain, FloatMatrix x, int f) {
        int n = Math.min(FACTOR_SAMPLE, x.rows());
        double[] rho = new double[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> rho[i] = plain.rho(x.data(), i * x.dim()));
        double[] sorted = rho.clone();
        java.util.Arrays.sort(sorted);
        float[] bounds = new float[f];
        for (int l = 0; l < f; l++) {
            bounds[l] = (float) sorted[(int) ((long) (l + 1) * n / (f + 1))];
        }
        double[] sum = new double[f + 1];
        int[] count = new int[f + 1];
        for (double r : rho) {
            int l = WitqEncoder.level(bounds, r);
            sum[l] += r;
            count[l]++;
        }
        float[] levels = new float[f + 1];
        for (int l = 0; l <= f; l++) {
            // an empty level (ties in rho) decodes to its lower bound, so every level stays a positive number
            levels[l] = count[l] > 0 ? (float) (sum[l] / count[l]) : l > 0 ? bounds[l - 1] : bounds[0];
        }
        return new float[][] {bounds, levels};
    }

    /** Least squares {@code D = (S^T S)^-1 S^T (X - c)} with S the ±1 codes of the sample (bits x dim). */
    static float[] fitDecoder(PlaneEncoder enc, FloatMatrix x, float[] c) {
        return fitDecoder(enc, x, c, null, 0, 1);
    }

    /**
     * {@link #fitDecoder(PlaneEncoder, FloatMatrix, float[])} pulled towards {@code prior} with the weight of
     * {@code lambda} rows: {@code D = (S^T S + lambda I)^-1 (S^T (X - c) + lambda prior)}. A few hundred rows cannot fix
     * 256 x 384 numbers (adapting on 500 rows without the pull lost 2 points of kNN accuracy, docs/general-encoders.md).
     * With {@code parts} > 1 the sums over rows run in that many fixed row ranges in parallel, added in range order
     * (deterministic whatever the cores; the general fits keep {@code parts} = 1, whose sums are the original ones).
     */
    static float[] fitDecoder(PlaneEncoder enc, FloatMatrix x, float[] c, float[] prior, double lambda, int parts) {
        int b = enc.bits();
        int d = x.dim();
        int n = x.rows();
        int p = Math.max(1, Math.min(parts, n));
        double[][][] stsPart = new double[p][][];
        double[][][] stxPart = new double[p][][];
        java.util.stream.IntStream.range(0, p).parallel().forEach(part -> {
            double[][] sts = new double[b][b];
            double[][] stx = new double[b][d];
            float[] proj = new float[b];
            float[] sgn = new float[b];
            float[] xc = new float[d];
            float[] data = x.data();
            for (int i = (int) ((long) n * part / p), end = (int) ((long) n * (part + 1) / p); i < end; i++) {
                enc.project(data, i * d, proj);
                for (int j = 0; j < b; j++) {
                    sgn[j] = proj[j] > 0 ? 1f : -1f;
                }
                for (int m = 0; m < d; m++) {
                    xc[m] = data[i * d + m] - c[m]; // float, as the sum has always taken it
                }
                for (int j = 0; j < b; j++) {
                    double sj = sgn[j];
                    double[] row = sts[j];
                    for (int m = j; m < b; m++) {
                        row[m] += sj * sgn[m];
                    }
                    double[] xr = stx[j];
                    for (int m = 0; m < d; m++) {
                        xr[m] += sj * xc[m];
                    }
                }
            }
            stsPart[part] = sts;
            stxPart[part] = stx;
        });
        double[][] sts = stsPart[0];
        double[][] stx = stxPart[0];
        for (int part = 1; part < p; part++) {
            for (int j = 0; j < b; j++) {
                for (int m = j; m < b; m++) {
                    sts[j][m] += stsPart[part][j][m];
                }
                for (int m = 0; m < d; m++) {
                    stx[j][m] += stxPart[part][j][m];
                }
            }
        }
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < j; m++) {
                sts[j][m] = sts[m][j];
            }
            sts[j][j] += 1e-6 * n + lambda; // tiny ridge: a constant or duplicated bit must not make the system singular
        }
        double[][] rhs = new double[b][d]; // one system per dimension m, all solved with one elimination
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < d; m++) {
                rhs[j][m] = prior == null ? stx[j][m] : stx[j][m] + lambda * prior[j * d + m];
            }
        }
        double[][] sol = Linear.solveAll(sts, rhs);
        float[] dec = new float[b * d];
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < d; m++) {
                dec[j * d + m] = (float) sol[j][m];
            }
        }
        return dec;
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        int f = Integer.parseInt(params.getOrDefault("factorBits", "0"));
        if (f < 0 || f > MAX_FACTOR_BITS || f >= bits) {
            throw new IllegalArgumentException("witq factorBits " + f + " is out of range for " + bits + " bits");
        }
        int b = bits - f;
        PlaneEncoder planes = Encoders.restorePlanes(NAME, dim, b, Map.of(), arrays);
        float[] center = Encoders.require(arrays, "center", dim);
        float[] decoder = Encoders.require(arrays, "decoder", b * dim);
        if (f == 0) {
            return new WitqEncoder(planes, center, decoder, params);
        }
        return new WitqEncoder(planes, center, decoder, Encoders.require(arrays, "factorBounds", f),
                Encoders.require(arrays, "factorLevels", f + 1), params);
    }
}
