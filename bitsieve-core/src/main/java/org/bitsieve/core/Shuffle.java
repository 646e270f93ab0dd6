package org.bitsieve.core;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded sampling without replacement, the one draw the general fits, the validation splits and the benchmarks share. */
public final class Shuffle {
    private Shuffle() {}

    /**
     * The first {@code n} of a seeded Fisher-Yates shuffle of {@code 0..size-1} (from the end, {@link SplittableRandom}):
     * corpora are often sorted by source or label, so a prefix of them is not a sample. Fixed forever: the shipped
     * encoders' provenance records and the validation splits depend on these exact draws.
     */
    public static int[] firstOf(int size, int n, long seed) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, Math.min(n, size));
    }
}
