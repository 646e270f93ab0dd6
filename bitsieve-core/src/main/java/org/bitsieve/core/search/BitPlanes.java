package org.bitsieve.core.search;

/**
 * The bound for tables linear in the code bits, {@code t[k][v] = base_k + sum_u bit_u(v) w_(8k+u)}, which
 * every plane encoder's asymmetric score is (witq, itq, sign, simhash; not pcaq, whose levels are not).
 * A code's score is then {@code top - sum_j |w_j| [bit j differs from the best code]}, the best code having
 * bit j set where {@code w_j > 0}: a weighted Hamming distance to one query code. The weights are floored
 * to 3-bit levels {@code v_j = min(7, floor(|w_j| / delta))} and stored as three bit planes, so
 * {@code sum_l 2^l popcount((code ^ best) & plane_l)} is a lower bound on the weighted distance in steps, at
 * three masked popcounts per code word. The step is set by the bulk of the weights, not the largest:
 * {@code delta} is the 85th percentile of {@code |w|} over 7, and the few larger weights saturate at level 7
 * (still a lower bound). With held-out IMDB queries on the shipped 256-bit witq, about 1% of codes pass
 * (AsymBound in results/experiments/README.md) and get the exact float score; the earlier levels of {@code max / 15}
 * let 7% pass their top three planes. Same popcount count, data-dependent speed (library against library,
 * docs/store.md): on the load test's 100,000 distinct documents 16.8 / 13.1 ns per code before and 10.6 / 10.8
 * after (ScanPlanes in results/experiments/README.md, "mixed"), on AsymmetricCompare's near-copies 10% slower. Why not the per-byte table: the distance to the best code
 * weighs every byte's mismatches against the whole query at once (17% of codes pass the byte table's bound
 * after two words). Tried and measured slower: a first stage on two planes (8 popcounts, 12% pass), two rows
 * per step, and (scratch variants, not kept) two weight-rank groups and a call-free block loop. Tried and
 * not kept: a second stage of three planes over what the levels leave of each weight, which lets only 0.08%
 * through to the exact score; in ScanPlanes its gain (3-14%) was no larger than the gap between the library's
 * loop and the tool's re-implementations, and the server load tests with it (1.05-1.60 ms of CPU per request
 * over six runs) did not beat those without it (0.97-1.30 ms over four); ported into this loop and timed library
 * against library (ScanLib), it was no faster either (8.26 / 7.11 against 7.59 / 6.83 ns per code), although
 * 4.3% of the load test's codes reach the exact score.
 *
 * <p>Exactness: {@code E} is the largest deviation of the float table from the fitted linear form, summed
 * over byte positions; the real-number sum of a code's entries is at most {@code top + E - delta C} for its
 * plane count {@code C}, and the same float-rounding slack as the integer table's is added, so a skipped
 * code could not have entered the heap in the reference loop either.
 */
final class BitPlanes {
    static final int PLANES = 3;
    static final int LEVELS = (1 << PLANES) - 1;
    /** The weight quantile that sits at the top level; larger weights saturate there. */
    static final double STEP_QUANTILE = 0.85;

    final long[] best;
    /** Plane l of word w at {@code mask[w * PLANES + l]}. */
    final long[] mask;
    final double delta;
    /** {@code top + E} plus every rounding slack. */
    final double topHi;
    /**
     * Words up to the last one with a weighted bit: bits of zero weight add nothing to the bound, so a scan
     * may skip the words after it (a witq code's factor bits, which act through the inverse norms instead).
     */
    final int activeWords;

    private BitPlanes(long[] best, long[] mask, double delta, double topHi) {
        this.best = best;
        this.mask = mask;
        this.delta = delta;
        this.topHi = topHi;
        int active = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                active = i / PLANES + 1;
            }
        }
        this.activeWords = active;
    }

    /** Null unless the table is linear in the bits to within a thousandth of its total weight. */
    static BitPlanes of(float[] t, int bytes, double slack) {
        int bits = bytes * 8;
        double[] w = new double[bits];
        double baseSum = 0;
        double dev = 0;
        double[] lin = new double[256];
        for (int k = 0; k < bytes; k++) {
            int row = k << 8;
            double base = t[row];
            for (int u = 0; u < 8; u++) {
                w[8 * k + u] = (double) t[row | (1 << u)] - base;
            }
            // lin(v) = lin(v without its lowest bit) + that bit's weight: one add per entry (this runs per query)
            lin[0] = base;
            double worst = 0;
            for (int v = 1; v < 256; v++) {
                lin[v] = lin[v & (v - 1)] + w[8 * k + Integer.numberOfTrailingZeros(v)];
                worst = Math.max(worst, Math.abs(t[row | v] - lin[v]));
            }
            dev += worst;
            baseSum += base;
        }
        double top = baseSum;
        double total = 0;
        double max = 0;
        for (double x : w) {
            top += Math.max(x, 0);
            total += Math.abs(x);
            max = Math.max(max, Math.abs(x));
        }
        if (!(total > 0) || dev > 1e-3 * total) {
            return null;
        }
        // the relative margin also covers the double rounding of top + E and of delta * C
        return quantised(w, max, top + dev + slack + 1e-9 * (total + Math.abs(top)));
    }

    /**
     * The same bound straight from a {@link QueryScorer#ofSigns} scorer's weights, without reading its table
     * (per query: O(bits) instead of O(256 bytes)): bit j's weight is {@code 2 a_j}, {@code top = c + sum |a_j|},
     * and {@code E} is the float error of the table's entries, each a chain of at most 8 float adds of terms
     * whose magnitudes sum to {@code S_k = sum_(j in byte k) |a_j|} (+ {@code |c|} on byte 0): at most
     * {@code 8u / (1 - 8u) S_k}, bounded here by {@code 10u S_k}. Null when every weight is 0.
     */
    static BitPlanes ofSigns(float[] a, float constant) {
        int bits = a.length;
        int bytes = (bits + 7) >>> 3;
        double[] w = new double[bits];
        double sumAbs = 0;
        double max = 0;
        for (int j = 0; j < bits; j++) {
            double x = a[j];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("scorer weights hold a non-finite value");
            }
            w[j] = 2 * x;
            sumAbs += Math.abs(x);
            max = Math.max(max, 2 * Math.abs(x));
        }
        if (!(sumAbs > 0) || !Float.isFinite(constant)) {
            return null;
        }
        double c = Math.abs((double) constant);
        double top = constant + sumAbs;
        double dev = 10 * QuantizedLut.U * (sumAbs + c);
        double absSum = (sumAbs + c) * (1 + 10 * QuantizedLut.U); // bounds sum_k max_v |t[k][v]|
        double slack = 2 * (bytes + 1) * QuantizedLut.U * absSum;
        return quantised(w, max, top + dev + slack + 2e-9 * (absSum + 2 * sumAbs + Math.abs(top)));
    }

    /** Planes for signed weights {@code w} (bit j of the best code set where {@code w_j > 0}). */
    private static BitPlanes quantised(double[] w, double max, double topHi) {
        int bits = w.length;
        int words = (bits + 63) >>> 6;
        long[] best = new long[words];
        long[] mask = new long[words * PLANES];
        double[] abs = new double[bits];
        for (int j = 0; j < bits; j++) {
            abs[j] = Math.abs(w[j]);
        }
        double bulk = select(abs, (int) Math.floor(STEP_QUANTILE * (bits - 1)));
        double delta = (bulk > 0 ? bulk : max) / LEVELS;
        for (int j = 0; j < bits; j++) {
            double a = Math.abs(w[j]);
            int v = (int) Math.min(LEVELS, Math.floor(a / delta));
            while (v > 0 && v * delta > a) {
                v--; // floor in double may round up: the level must never exceed the weight
            }
            long bit = 1L << (j & 63);
            if (w[j] > 0) {
                best[j >>> 6] |= bit;
            }
            for (int l = 0; l < PLANES; l++) {
                if (((v >>> l) & 1) != 0) {
                    mask[(j >>> 6) * PLANES + l] |= bit;
                }
            }
        }
        return new BitPlanes(best, mask, delta, topHi);
    }

    /**
     * The value that would sit at index {@code rank} of {@code x} sorted ascending (x is reordered): Hoare's
     * selection in linear expected time instead of a sort, since this runs once per query.
     */
    static double select(double[] x, int rank) {
        int lo = 0;
        int hi = x.length - 1;
        while (lo < hi) {
            double pivot = x[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (x[i] < pivot) {
                    i++;
                }
                while (x[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = x[i];
                    x[i] = x[j];
                    x[j] = t;
                    i++;
                    j--;
                }
            }
            // now x[lo..j] <= pivot <= x[i..hi], and any x[j+1..i-1] equal the pivot
            if (rank <= j) {
                hi = j;
            } else if (rank >= i) {
                lo = i;
            } else {
                return pivot;
            }
        }
        return x[rank];
    }
}
