package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The registry of encoder families, and shared fitting helpers. */
public final class Encoders {
    /**
     * The default family: the one that meets both quality bars at 256 bits in our benchmarks (asymmetric within
     * 0.3 points of float kNN accuracy, Hamming within 1.0; README). {@code pcaq} scores higher asymmetrically
     * but its Hamming distance is weak.
     */
    public static final String DEFAULT = WitqKind.NAME;

    private static final Map<String, EncoderKind> KINDS = new LinkedHashMap<>();

    static {
        register(new PcaQuantKind());
        register(new PqKind());
        register(new WitqKind());
        register(new ItqKind());
        register(new SignKind());
        register(new SimHashKind());
        register(new KeSieveKind());
    }

    private Encoders() {}

    private static void register(EncoderKind k) { KINDS.put(k.name(), k); }

    public static List<EncoderKind> all() { return List.copyOf(KINDS.values()); }

    public static EncoderKind kind(String name) {
        EncoderKind k = KINDS.get(name == null ? "" : name.toLowerCase());
        if (k == null) {
            throw new IllegalArgumentException("unknown encoder '" + name + "'; known encoders: " + String.join(", ", KINDS.keySet()));
        }
        return k;
    }

    /** Fits {@code kind} on {@code train}, refusing empty, non-finite or too-small input with a clear message. */
    public static Encoder fit(String kind, FloatMatrix train, FitOptions options) {
        EncoderKind k = kind(kind);
        if (train.rows() < 2) {
            throw new IllegalArgumentException("fitting needs at least 2 vectors, got " + train.rows());
        }
        train.requireFinite("training vectors");
        k.checkBits(options.bits(), train.dim());
        if (!options.tuning().isEmpty() && !k.name().equals(WitqKind.NAME) && !k.name().equals(PqKind.NAME)) {
            throw new IllegalArgumentException(k.name() + " has no tuning settings; got " + options.tuning().keySet());
        }
        return k.fit(train, options);
    }

    /** A seeded random subset of at most {@code max} rows (all rows, shuffled, when fewer). */
    public static FloatMatrix sample(FloatMatrix m, int max, long seed) {
        int n = m.rows();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Random r = new Random(seed);
        int take = Math.min(n, max);
        for (int i = 0; i < take; i++) {
            int j = i + r.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return m.select(java.util.Arrays.copyOf(idx, take));
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static float[] require(Map<String, float[]> arrays, String name, int length) {
        float[] a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("encoder state lacks array '" + name + "'");
        }
        if (length >= 0 && a.length != length) {
            throw new IllegalArgumentException("encoder array '" + name + "' holds " + a.length + " values, expected " + length);
        }
        return a;
    }

    static double[] columnMeans(FloatMatrix m) {
        double[] mu = new double[m.dim()];
        float[] d = m.data();
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.dim(); j++) {
                mu[j] += d[i * m.dim() + j];
            }
        }
        for (int j = 0; j < m.dim(); j++) {
            mu[j] /= m.rows();
        }
        return mu;
    }

    static PlaneEncoder restorePlanes(String kind, int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        float[] planes = require(arrays, "planes", bits * dim);
        float[] offsets = require(arrays, "offsets", bits);
        return new PlaneEncoder(kind, dim, planes, offsets, params);
    }
}
