package org.bitsieve.core.encode;

/**
 * How to fit an encoder.
 *
 * @param bits      code length; for {@code kesieve} a cap (0 = as many planes as the data needs)
 * @param seed      every random choice derives from it, so a fit is reproducible
 * @param maxSample fitting uses at most this many vectors (a seeded random subset), bounding fit time
 * @param progress  receives progress of long fits
 */
public record FitOptions(int bits, long seed, int maxSample, Progress progress) {
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
    }

    public static FitOptions bits(int bits) {
        return new FitOptions(bits, DEFAULT_SEED, DEFAULT_MAX_SAMPLE, Progress.NONE);
    }

    public FitOptions withSeed(long s) { return new FitOptions(bits, s, maxSample, progress); }

    public FitOptions withProgress(Progress p) { return new FitOptions(bits, seed, maxSample, p); }

    public FitOptions withMaxSample(int m) { return new FitOptions(bits, seed, m, progress); }
}
