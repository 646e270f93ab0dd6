package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.linalg.Pca;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Fits {@link PcaQuantEncoder}: principal components, bits allocated greedily by variance, and a Lloyd-Max
 * scalar quantiser per kept component.
 *
 * <p>Allocation: each extra bit goes to the component whose expected squared error drops most, using the
 * Lloyd-Max distortion of a Gaussian at 0..4 bits. High-variance components get several bits, weak ones none,
 * which is what a rate-distortion optimal code does and what one-bit-per-plane codes (ITQ, the sieve) cannot.
 */
final class PcaQuantKind implements EncoderKind {
    static final String NAME = "pcaq";
    static final int MAX_FIELD_BITS = 4;
    static final int LLOYD_ITERATIONS = 30;
    /** Lloyd-Max mean squared error of a unit Gaussian at 0..4 bits. */
    private static final double[] GAUSS_DISTORTION = {1.0, 0.3634, 0.1175, 0.03454, 0.009497};

    @Override public String name() { return NAME; }

    @Override public String summary() {
        return "PCA, bits allocated by variance (0-4 per component), Lloyd-Max levels; normalised asymmetric score (default)";
    }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 8 || bits > dim * MAX_FIELD_BITS) {
            throw new IllegalArgumentException("pcaq bits must be 8.." + (dim * MAX_FIELD_BITS) + " for dimension " + dim + ", got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        Pca pca = Pca.fit(s);
        int d = s.dim();
        int[] alloc = allocate(pca.variances(), o.bits());
        List<int[]> fields = pack(alloc, pca.variances(), o.bits()); // each: {component, bits, byte, shift}
        int f = fields.size();
        float[] comps = new float[f * d];
        float[] fieldBits = new float[f];
        float[] fieldByte = new float[f];
        float[] fieldShift = new float[f];
        for (int i = 0; i < f; i++) {
            int[] fd = fields.get(i);
            double[] c = pca.component(fd[0]);
            for (int j = 0; j < d; j++) {
                comps[i * d + j] = (float) c[j];
            }
            fieldBits[i] = fd[1];
            fieldByte[i] = fd[2];
            fieldShift[i] = fd[3];
        }
        float[] mean = pca.mean();
        // project the sample on the kept components, one column per field
        int n = s.rows();
        float[][] cols = new float[f][n];
        IntStream.range(0, f).parallel().forEach(i -> {
            for (int r = 0; r < n; r++) {
                float v = 0;
                for (int j = 0; j < d; j++) {
                    v += (s.get(r, j) - mean[j]) * comps[i * d + j];
                }
                cols[i][r] = v;
            }
        });
        float[][] thr = new float[f][];
        float[][] lev = new float[f][];
        IntStream.range(0, f).parallel().forEach(i -> {
            float[][] q = lloydMax(cols[i], 1 << fields.get(i)[1]);
            thr[i] = q[0];
            lev[i] = q[1];
        });
        int nThr = 0;
        int nLev = 0;
        for (int i = 0; i < f; i++) {
            nThr += thr[i].length;
            nLev += lev[i].length;
        }
        float[] thresholds = new float[nThr];
        float[] levels = new float[nLev];
        int a = 0;
        int b = 0;
        for (int i = 0; i < f; i++) {
            System.arraycopy(thr[i], 0, thresholds, a, thr[i].length);
            a += thr[i].length;
            System.arraycopy(lev[i], 0, levels, b, lev[i].length);
            b += lev[i].length;
        }
        int[] hist = new int[MAX_FIELD_BITS + 1];
        for (int i = 0; i < f; i++) {
            hist[fields.get(i)[1]]++;
        }
        double kept = 0;
        double total = 0;
        for (int j = 0; j < d; j++) {
            total += pca.variances()[j];
        }
        for (int[] fd : fields) {
            kept += pca.variances()[fd[0]];
        }
        return new PcaQuantEncoder(d, o.bits(), mean, comps, fieldBits, fieldByte, fieldShift, thresholds, levels,
                Encoders.params("seed", Long.toString(o.seed()),
                        "components", Integer.toString(f),
                        "fieldsBy1/2/3/4Bits", hist[1] + "/" + hist[2] + "/" + hist[3] + "/" + hist[4],
                        "varianceKept", String.format(java.util.Locale.ROOT, "%.4f", kept / total),
                        "sample", Integer.toString(n)));
    }

    /** Greedy reverse water-filling: bits per principal component. */
    static int[] allocate(double[] variances, int bits) {
        int d = variances.length;
        int[] alloc = new int[d];
        for (int step = 0; step < bits; step++) {
            int best = -1;
            double gain = -1;
            for (int j = 0; j < d; j++) {
                if (alloc[j] < MAX_FIELD_BITS) {
                    double g = variances[j] * (GAUSS_DISTORTION[alloc[j]] - GAUSS_DISTORTION[alloc[j] + 1]);
                    if (g > gain) {
                        gain = g;
                        best = j;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            alloc[best]++;
        }
        return alloc;
    }

    /**
     * Places fields into code bytes so that no field straddles a byte (first-fit decreasing), which keeps
     * asymmetric scoring at one table lookup per byte. When the sizes do not fit exactly, one bit is taken
     * from the largest field and given to the next unallocated component, until they do.
     */
    static List<int[]> pack(int[] alloc, double[] variances, int bits) {
        int[] a = alloc.clone();
        while (true) {
            List<int[]> placed = tryPack(a, bits);
            if (placed != null) {
                return placed;
            }
            int largest = -1;
            for (int j = 0; j < a.length; j++) {
                if (a[j] > 1 && (largest < 0 || a[j] > a[largest]
                        || a[j] == a[largest] && variances[j] < variances[largest])) {
                    largest = j;
                }
            }
            if (largest < 0) {
                throw new IllegalStateException("cannot pack " + bits + " bits into bytes");
            }
            a[largest]--;
            int next = -1;
            for (int j = 0; j < a.length; j++) {
                if (a[j] == 0 && (next < 0 || variances[j] > variances[next])) {
                    next = j;
                }
            }
            if (next >= 0) {
                a[next] = 1;
            }
        }
    }

    private static List<int[]> tryPack(int[] a, int bits) {
        int bins = (bits + 7) / 8;
        int[] room = new int[bins];
        Arrays.fill(room, 8);
        if (bits % 8 != 0) {
            room[bins - 1] = bits % 8;
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < a.length; j++) {
            if (a[j] > 0) {
                order.add(j);
            }
        }
        order.sort(Comparator.comparingInt((Integer j) -> -a[j]).thenComparingInt(j -> j));
        List<int[]> out = new ArrayList<>();
        for (int j : order) {
            int bin = -1;
            for (int k = 0; k < bins; k++) {
                if (room[k] >= a[j]) {
                    bin = k;
                    break;
                }
            }
            if (bin < 0) {
                return null;
            }
            int shift = (bin == bins - 1 && bits % 8 != 0 ? bits % 8 : 8) - room[bin];
            room[bin] -= a[j];
            out.add(new int[] {j, a[j], bin, shift});
        }
        // keep fields in component order: stable layout, easy to read in dumps
        out.sort(Comparator.comparingInt(x -> x[0]));
        return out;
    }

    /** Lloyd-Max quantiser of {@code values} with {@code levels} levels: {thresholds, centroids}. */
    static float[][] lloydMax(float[] values, int levels) {
        float[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + v[i];
        }
        double[] cent = new double[levels];
        for (int l = 0; l < levels; l++) {
            int from = (int) ((long) n * l / levels);
            int to = Math.max(from + 1, (int) ((long) n * (l + 1) / levels));
            cent[l] = (prefix[Math.min(n, to)] - prefix[from]) / (Math.min(n, to) - from);
        }
        double[] thr = new double[levels - 1];
        for (int it = 0; it < LLOYD_ITERATIONS; it++) {
            for (int l = 0; l < levels - 1; l++) {
                thr[l] = 0.5 * (cent[l] + cent[l + 1]);
            }
            int from = 0;
            for (int l = 0; l < levels; l++) {
                int to = l == levels - 1 ? n : upperBound(v, thr[l]);
                if (to > from) {
                    cent[l] = (prefix[to] - prefix[from]) / (to - from);
                }
                from = to;
            }
            // keep centroids strictly increasing so thresholds stay ordered
            for (int l = 1; l < levels; l++) {
                if (cent[l] <= cent[l - 1]) {
                    cent[l] = Math.nextUp(cent[l - 1]);
                }
            }
        }
        for (int l = 0; l < levels - 1; l++) {
            thr[l] = 0.5 * (cent[l] + cent[l + 1]);
        }
        float[] t = new float[levels - 1];
        float[] c = new float[levels];
        for (int l = 0; l < levels; l++) {
            c[l] = (float) cent[l];
            if (l < levels - 1) {
                t[l] = (float) thr[l];
            }
        }
        return new float[][] {t, c};
    }

    private static int upperBound(float[] v, double x) {
        int lo = 0;
        int hi = v.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        float[] mean = Encoders.require(arrays, "mean", dim);
        float[] fieldBits = Encoders.require(arrays, "fieldBits", -1);
        int f = fieldBits.length;
        return new PcaQuantEncoder(dim, bits, mean,
                Encoders.require(arrays, "components", f * dim), fieldBits,
                Encoders.require(arrays, "fieldByte", f), Encoders.require(arrays, "fieldShift", f),
                Encoders.require(arrays, "thresholds", -1), Encoders.require(arrays, "levels", -1), params);
    }
}
