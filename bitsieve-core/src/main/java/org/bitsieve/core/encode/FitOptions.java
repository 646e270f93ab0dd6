package org.bitsieve.core.encode;

/**
 * How to fit an encoder.
 *
 * @param bits      code length; for {@code kesieve} a cap (0 = as many planes as the data needs)
 * @param seed      every random choice derives from it, so a fit is reproducible
 * @param maxSample fitting uses at most this many vectors (a seeded random subset), bounding fit time
 * @param progress  receives progress of long fits
 * @param tuning    encoder-specific settings by name (e.g. witq's {@code weightPower}); empty = the measured defaults.
 *                  A kind refuses names it does not know.
 */
public record FitOptions(int bits, long seed, int maxSample, Progress progress, java.util.Map<String, String> tuning) {
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_MAX_SAMPLE = 100_000;

    public FitOptions {
        if (bits < 0) {
            throw new IllegalArgumentException("bits must not be negative, got " + bits);
        }
        if (maxSample < 2) {
            throw new IllegalArgumentException("maxSample must be at least 2");
        }
        if (progress == null) {
            progress = Progress.NONE;
        }
        tuning = tuning == null ? java.util.Map.of() : java.util.Map.copyOf(tuning);
    }

    public FitOptions(int bits, long seed, int maxSample, Progress progress) {
        this(bits, seed, maxSample, progress, java.util.Map.of());
    }

    /** Adds one encoder-specific setting. */
    public FitOptions with(String name, String value) {
        java.util.Map<String, String> t = new java.util.HashMap<>(tuning);
        t.put(name, value);
        return new FitOptions(bits, seed, maxSample, progress, t);
    }

    /** A numeric tuning value, or {@code fallback} when unset; refuses names outside {@code known}. */
    public double tuning(String name, double fallback, java.util.Set<String> known, String kind) {
        for (String k : tuning.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(kind + " has no setting '" + k + "'; its settings: " + new java.util.TreeSet<>(known));
            }
        }
        String v = tuning.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(kind + " setting " + name + " must be a number, got '" + v + "'");
        }
    }

    public static FitOptions bits(int bits) {
        return new FitOptions(bits, DEFAULT_SEED, DEFAULT_MAX_SAMPLE, Progress.NONE);
    }

    public FitOptions withSeed(long s) { return new FitOptions(bits, s, maxSample, progress, tuning); }

    public FitOptions withProgress(Progress p) { return new FitOptions(bits, seed, maxSample, p, tuning); }

    public FitOptions withMaxSample(int m) { return new FitOptions(bits, seed, m, progress, tuning); }
}
