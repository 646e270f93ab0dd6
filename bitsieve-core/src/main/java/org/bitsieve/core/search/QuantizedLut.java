package org.bitsieve.core.search;

import org.bitsieve.core.encode.QueryScorer;

/**
 * The asymmetric scan's fast path: a {@link QueryScorer}'s float table quantised, per query, to unsigned 16-bit
 * entries, scanned with integer adds; a code is scored exactly (with the float table, in the reference order)
 * only when an upper bound on its exact score beats the heap's threshold. Results are therefore identical, ids
 * and scores to the bit, to the plain float loop ({@link AsymmetricSearch#scanReference}), and the test suite
 * checks that.
 *
 * <p>Why it is faster: the float loop is one chain of 32 dependent float adds per code (4-cycle latency each)
 * over a 32 KB table that fills L1; integer adds take one cycle and the 16-bit table is 16 KB. Most of the
 * gain, though, is the early exit of 256-bit codes (below): a bound checked after half of a code's bytes
 * rejects most codes. The exact re-score runs for the few codes near the top-k boundary only.
 *
 * <p>The bound: entry {@code t[k][v]} is stored as {@code q = round((t - min_k) / scale)}; with {@code E} the
 * sum over byte positions of the largest {@code |t - (q scale + min_k)|}, the real-number sum of a code's
 * entries is at most {@code scale Q + sum_k min_k + E} where {@code Q} is the integer sum. The float sum
 * the reference computes differs from the real sum by at most {@code (n - 1) u S} ({@code n} terms,
 * {@code u = 2^-24}, {@code S} the sum of the largest absolute entries), and multiplying by the inverse norm
 * adds one more rounding, at most {@code u S} relative to the unrounded product. The bound adds twice that
 * slack and is evaluated in double, whose own rounding is far below it. Skipping a code whose bound is
 * {@code <= threshold} is then exactly what the reference does, since it offers only codes scoring
 * {@code > threshold}, so the heaps stay equal code by code.
 */
public final class QuantizedLut {
    /** Rows filtered out by the caller (deleted, failing a metadata filter). */
    @FunctionalInterface
    public interface RowFilter {
        boolean accept(int row);
    }

    /** The unit roundoff of float32: the bounds' rounding slack is a multiple of it. */
    static final double U = 0x1p-24;

    private final float[] table;
    private final char[] q;
    private final int bytes;
    private final double scale;
    /** Added to {@code Q * scale}: the sum of minima plus every error and rounding slack. */
    private final double offsetHi;
    /** {@code rest[w]}: the largest integer sum the bytes after word w can add (for the early exit). */
    private final int[] rest;
    /** The bit-plane bound when the table is linear in the code bits, else null (then q is set). */
    private final BitPlanes planes;
    /** The integer byte table of the same scorer, for {@link #scanByteTable} when this one uses bit planes. */
    private volatile QuantizedLut byteTableLut;

    private QuantizedLut(float[] table, char[] q, int bytes, double scale, double offsetHi, BitPlanes planes) {
        this.table = table;
        this.q = q;
        this.bytes = bytes;
        this.scale = scale;
        this.offsetHi = offsetHi;
        this.planes = planes;
        int words = (bytes + 7) >>> 3;
        rest = new int[words];
        if (q == null) {
            return; // bit-plane path only: the integer table is built on demand (byteTableLut)
        }
        for (int w = 0; w < words; w++) {
            int sum = 0;
            for (int k = 8 * (w + 1); k < bytes; k++) {
                int m = 0;
                for (int v = 0; v < 256; v++) {
                    m = Math.max(m, q[(k << 8) | v]);
                }
                sum += m;
            }
            rest[w] = sum;
        }
    }

    /**
     * Prepares a query's scan (microseconds, once per query): the bit-plane bound when the scorer's table is
     * linear in the bits, else the quantised integer table.
     */
    public static QuantizedLut of(QueryScorer scorer) {
        float[] a = scorer.signWeights();
        if (a != null) {
            BitPlanes p = BitPlanes.ofSigns(a, scorer.constant());
            if (p != null) {
                return new QuantizedLut(scorer.table(), null, scorer.bytes(), 0, 0, p);
            }
        }
        return build(scorer.table(), scorer.bytes(), true);
    }

    private QuantizedLut byteTableLut() {
        if (q != null) {
            return this;
        }
        QuantizedLut b = byteTableLut;
        if (b == null) {
            b = build(table, bytes, false); // idempotent: a racing thread builds an equal one
            byteTableLut = b;
        }
        return b;
    }

    private static QuantizedLut build(float[] t, int bytes, boolean allowPlanes) {
        double[] min = new double[bytes];
        double range = 0;
        double absSum = 0;
        for (int k = 0; k < bytes; k++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            double absMax = 0;
            for (int v = 0; v < 256; v++) {
                float x = t[(k << 8) | v];
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("scorer table holds a non-finite value");
                }
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
                absMax = Math.max(absMax, Math.abs(x));
            }
            min[k] = lo;
            range = Math.max(range, hi - lo);
            absSum += absMax;
        }
        double minSum = 0;
        for (double x : min) {
            minSum += x;
        }
        double slack = 2 * (bytes + 1) * U * absSum;
        // a relative margin for the double arithmetic of the bounds themselves and of these sums
        double margin = 1e-9 * (absSum + Math.abs(minSum));
        BitPlanes planes = allowPlanes ? BitPlanes.of(t, bytes, slack + margin) : null;
        if (planes != null) {
            return new QuantizedLut(t, null, bytes, 0, 0, planes);
        }
        // 65535 levels over the widest byte position (fewer if a code's integer sum could overflow an int);
        // a flat table (range 0) quantises to all zeros
        int levels = (int) Math.min(65535, Integer.MAX_VALUE / bytes);
        double scale = range > 0 ? range / levels : 1.0;
        char[] q = new char[bytes * 256];
        double err = 0;
        for (int k = 0; k < bytes; k++) {
            double worstErr = 0;
            for (int v = 0; v < 256; v++) {
                int i = (k << 8) | v;
                long level = Math.round((t[i] - min[k]) / scale);
                level = Math.max(0, Math.min(levels, level));
                q[i] = (char) level;
                worstErr = Math.max(worstErr, Math.abs(t[i] - (level * scale + min[k])));
            }
            err += worstErr;
        }
        return new QuantizedLut(t, q, bytes, scale, minSum + err + slack + margin, null);
    }

    public int bytes() { return bytes; }

    /** Whether the scan uses the bit-plane bound (the scorer's table is linear in the code bits). */
    public boolean linear() { return planes != null; }

    /**
     * Scans codes {@code [from, to)} of {@code codes} ({@code words} longs per code), offering scores beating
     * the heap's threshold under id {@code idBase + row}; rows are visited in increasing order, and a row is
     * offered only if {@code filter} (may be null) accepts it, checked only for rows that would enter the heap.
     *
     * @param inverseNorms per-row inverse norms (row-indexed like the codes), or null when the scorer is not normalised
     */
    public void scan(long[] codes, int words, int from, int to, float[] inverseNorms, FloatHeap heap, int idBase, RowFilter filter) {
        if (planes != null && (bytes + 7) >>> 3 == words) {
            scanPlanes(codes, words, from, to, inverseNorms, heap, idBase, filter);
        } else {
            scanByteTable(codes, words, from, to, inverseNorms, heap, idBase, filter);
        }
    }

    /** {@link #scan} through the integer byte table even when the bit-plane bound applies (for the variant benchmarks). */
    public void scanByteTable(long[] codes, int words, int from, int to, float[] inverseNorms, FloatHeap heap, int idBase, RowFilter filter) {
        if (q == null) {
            byteTableLut().scanByteTable(codes, words, from, to, inverseNorms, heap, idBase, filter);
            return;
        }
        if (bytes == 32 && words == 4) {
            scan32Early(codes, from, to, inverseNorms, heap, idBase, filter);
        } else {
            scanGeneric(codes, words, from, to, inverseNorms, heap, idBase, filter);
        }
    }

    /**
     * 256-bit codes, four rows per step with an early exit: the first two words of four rows are summed
     * together (independent integer chains), then each row's bound, assuming the largest entries for the 16
     * bytes not yet read, is checked in row order; only rows that pass read their third word, check again,
     * and read the fourth. With held-out IMDB queries over 1M IMDB pcaq codes, about 83% of rows stop after
     * two words and 99.7% after three once the heap is full (a bound after one word was tried: most rows pass it).
     */
    private void scan32Early(long[] a, int from, int to, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        char[] t = q;
        double sc = scale;
        double off = offsetHi;
        int rest1 = rest[1];
        double worst = heap.threshold();
        int r = from;
        for (int o = from * 4; r + 3 < to; r += 4, o += 16) {
            int s0 = sum8(t, 0, a[o]) + sum8(t, 2048, a[o + 1]);
            int s1 = sum8(t, 0, a[o + 4]) + sum8(t, 2048, a[o + 5]);
            int s2 = sum8(t, 0, a[o + 8]) + sum8(t, 2048, a[o + 9]);
            int s3 = sum8(t, 0, a[o + 12]) + sum8(t, 2048, a[o + 13]);
            double i0 = 1.0;
            double i1 = 1.0;
            double i2 = 1.0;
            double i3 = 1.0;
            if (inv != null) {
                i0 = inv[r];
                i1 = inv[r + 1];
                i2 = inv[r + 2];
                i3 = inv[r + 3];
            }
            // in row order, so equal scores keep the smaller id as in the reference
            if (((s0 + rest1) * sc + off) * i0 > worst) {
                worst = finish(a, o, r, s0, i0, worst, inv, heap, idBase, filter);
            }
            if (((s1 + rest1) * sc + off) * i1 > worst) {
                worst = finish(a, o + 4, r + 1, s1, i1, worst, inv, heap, idBase, filter);
            }
            if (((s2 + rest1) * sc + off) * i2 > worst) {
                worst = finish(a, o + 8, r + 2, s2, i2, worst, inv, heap, idBase, filter);
            }
            if (((s3 + rest1) * sc + off) * i3 > worst) {
                worst = finish(a, o + 12, r + 3, s3, i3, worst, inv, heap, idBase, filter);
            }
        }
        for (int o = r * 4; r < to; r++, o += 4) {
            int s = sum8(t, 0, a[o]) + sum8(t, 2048, a[o + 1]);
            double iv = inv == null ? 1.0 : inv[r];
            if (((s + rest1) * sc + off) * iv > worst) {
                worst = finish(a, o, r, s, iv, worst, inv, heap, idBase, filter);
            }
        }
    }

    /** The scan for linear tables ({@link BitPlanes}): the three planes' bound, then the exact float score for rows that pass. */
    private void scanPlanes(long[] a, int words, int from, int to, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        BitPlanes p = planes;
        if (words > 4 && p.activeWords <= 4) {
            scanPlanesFirstFour(a, words, from, to, inv, heap, idBase, filter);
            return;
        }
        long[] m = p.mask;
        long[] best = p.best;
        double d = p.delta;
        double top = p.topHi;
        double worst = heap.threshold();
        if (words == 4) {
            long b0 = best[0];
            long b1 = best[1];
            long b2 = best[2];
            long b3 = best[3];
            // the masks as locals: with the exact call in the loop body the JIT reloads array elements on every
            // row; locals measured 7.25 against 8.36 ns per code (median of three runs each, ScanLib in results/experiments/README.md)
            long m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5];
            long m6 = m[6], m7 = m[7], m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11];
            for (int r = from, o = from * 4; r < to; r++, o += 4) {
                long x0 = a[o] ^ b0;
                long x1 = a[o + 1] ^ b1;
                long x2 = a[o + 2] ^ b2;
                long x3 = a[o + 3] ^ b3;
                int c2 = Long.bitCount(x0 & m2) + Long.bitCount(x1 & m5) + Long.bitCount(x2 & m8) + Long.bitCount(x3 & m11);
                int c1 = Long.bitCount(x0 & m1) + Long.bitCount(x1 & m4) + Long.bitCount(x2 & m7) + Long.bitCount(x3 & m10);
                int c0 = Long.bitCount(x0 & m0) + Long.bitCount(x1 & m3) + Long.bitCount(x2 & m6) + Long.bitCount(x3 & m9);
                double iv = inv == null ? 1.0 : inv[r];
                if ((top - d * (4 * c2 + 2 * c1 + c0)) * iv > worst) {
                    worst = exactGeneric(a, 4, r, inv, heap, idBase, filter);
                }
            }
            return;
        }
        for (int r = from, o = from * words; r < to; r++, o += words) {
            int c = 0;
            for (int w = 0; w < words; w++) {
                long x = a[o + w] ^ best[w];
                int mw = w * BitPlanes.PLANES;
                c += 4 * Long.bitCount(x & m[mw + 2]) + 2 * Long.bitCount(x & m[mw + 1]) + Long.bitCount(x & m[mw]);
            }
            double iv = inv == null ? 1.0 : inv[r];
            if ((top - d * c) * iv > worst) {
                worst = exactGeneric(a, words, r, inv, heap, idBase, filter);
            }
        }
    }

    /**
     * {@link #scanPlanes} for codes wider than 4 words whose later words carry no weight (264 bits: 256 planes and
     * witq's 8-bit factor, which acts through the inverse norms): the 4-word loop with the code's own stride. The
     * generic loop measured 12.2-15.4 ns per code here, this one 7.8-8.1 against 6.7-7.5 for 256-bit codes
     * (ScanWidth in results/experiments/README.md). A separate copy because a variable stride in the 4-word loop cost
     * 256-bit codes 4-5% (ScanLib: 7.14-7.43 against 6.79-7.02 ns per code).
     */
    private void scanPlanesFirstFour(long[] a, int words, int from, int to, float[] inv, FloatHeap heap, int idBase,
                                     RowFilter filter) {
        BitPlanes p = planes;
        long[] m = p.mask;
        long[] best = p.best;
        double d = p.delta;
        double top = p.topHi;
        double worst = heap.threshold();
        long b0 = best[0], b1 = best[1], b2 = best[2], b3 = best[3];
        long m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5];
        long m6 = m[6], m7 = m[7], m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11];
        for (int r = from, o = from * words; r < to; r++, o += words) {
            long x0 = a[o] ^ b0;
            long x1 = a[o + 1] ^ b1;
            long x2 = a[o + 2] ^ b2;
            long x3 = a[o + 3] ^ b3;
            int c2 = Long.bitCount(x0 & m2) + Long.bitCount(x1 & m5) + Long.bitCount(x2 & m8) + Long.bitCount(x3 & m11);
            int c1 = Long.bitCount(x0 & m1) + Long.bitCount(x1 & m4) + Long.bitCount(x2 & m7) + Long.bitCount(x3 & m10);
            int c0 = Long.bitCount(x0 & m0) + Long.bitCount(x1 & m3) + Long.bitCount(x2 & m6) + Long.bitCount(x3 & m9);
            double iv = inv == null ? 1.0 : inv[r];
            if ((top - d * (4 * c2 + 2 * c1 + c0)) * iv > worst) {
                worst = exactGeneric(a, words, r, inv, heap, idBase, filter);
            }
        }
    }

    /** The last two words of a row whose first two passed: check after the third, then the full bound, then exact. */
    private double finish(long[] a, int o, int r, int s, double iv, double worst, float[] inv, FloatHeap heap, int idBase,
                          RowFilter filter) {
        s += sum8(q, 4096, a[o + 2]);
        if (((s + rest[2]) * scale + offsetHi) * iv <= worst) {
            return worst;
        }
        s += sum8(q, 6144, a[o + 3]);
        if ((s * scale + offsetHi) * iv <= worst) {
            return worst;
        }
        return exact(a, r, inv, heap, idBase, filter);
    }

    /**
     * 256-bit codes: four independent rows per step, every byte looked up (no early exit). Public for the
     * variant benchmark, which compares it with {@link #scan}.
     */
    public void scanFourRows(long[] a, int from, int to, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        if (bytes != 32) {
            throw new IllegalArgumentException("scanFourRows is for 32-byte codes, this table has " + bytes);
        }
        if (q == null) {
            byteTableLut().scanFourRows(a, from, to, inv, heap, idBase, filter);
            return;
        }
        char[] t = q;
        double sc = scale;
        double off = offsetHi;
        double worst = heap.threshold();
        int r = from;
        for (int o = from * 4; r + 3 < to; r += 4, o += 16) {
            int q0 = sum4(t, a[o], a[o + 1], a[o + 2], a[o + 3]);
            int q1 = sum4(t, a[o + 4], a[o + 5], a[o + 6], a[o + 7]);
            int q2 = sum4(t, a[o + 8], a[o + 9], a[o + 10], a[o + 11]);
            int q3 = sum4(t, a[o + 12], a[o + 13], a[o + 14], a[o + 15]);
            double b0 = q0 * sc + off;
            double b1 = q1 * sc + off;
            double b2 = q2 * sc + off;
            double b3 = q3 * sc + off;
            if (inv != null) {
                b0 *= inv[r];
                b1 *= inv[r + 1];
                b2 *= inv[r + 2];
                b3 *= inv[r + 3];
            }
            // in row order, so equal scores keep the smaller id as in the reference
            if (b0 > worst) {
                worst = exact(a, r, inv, heap, idBase, filter);
            }
            if (b1 > worst) {
                worst = exact(a, r + 1, inv, heap, idBase, filter);
            }
            if (b2 > worst) {
                worst = exact(a, r + 2, inv, heap, idBase, filter);
            }
            if (b3 > worst) {
                worst = exact(a, r + 3, inv, heap, idBase, filter);
            }
        }
        for (; r < to; r++) {
            int o = r * 4;
            double b = sum4(t, a[o], a[o + 1], a[o + 2], a[o + 3]) * sc + off;
            if (inv != null) {
                b *= inv[r];
            }
            if (b > worst) {
                worst = exact(a, r, inv, heap, idBase, filter);
            }
        }
    }

    private static int sum4(char[] t, long w0, long w1, long w2, long w3) {
        return sum8(t, 0, w0) + sum8(t, 2048, w1) + sum8(t, 4096, w2) + sum8(t, 6144, w3);
    }

    private static int sum8(char[] t, int tb, long x) {
        int lo = (int) x;
        int hi = (int) (x >>> 32);
        return t[tb | (lo & 0xFF)]
                + t[tb + 256 | ((lo >>> 8) & 0xFF)]
                + t[tb + 512 | ((lo >>> 16) & 0xFF)]
                + t[tb + 768 | (lo >>> 24)]
                + t[tb + 1024 | (hi & 0xFF)]
                + t[tb + 1280 | ((hi >>> 8) & 0xFF)]
                + t[tb + 1536 | ((hi >>> 16) & 0xFF)]
                + t[tb + 1792 | (hi >>> 24)];
    }

    private void scanGeneric(long[] a, int words, int from, int to, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        char[] t = q;
        int fullWords = bytes >>> 3;
        double worst = heap.threshold();
        for (int r = from, o = from * words; r < to; r++, o += words) {
            int s = 0;
            int kb = 0;
            for (int w = 0; w < fullWords; w++, kb += 8) {
                s += sum8(t, kb << 8, a[o + w]);
            }
            for (; kb < bytes; kb++) {
                s += t[(kb << 8) | (int) ((a[o + (kb >>> 3)] >>> ((kb & 7) << 3)) & 0xFF)];
            }
            double b = s * scale + offsetHi;
            if (inv != null) {
                b *= inv[r];
            }
            if (b > worst) {
                worst = exactGeneric(a, words, r, inv, heap, idBase, filter);
            }
        }
    }

    /** The reference score of a 32-byte row (same summation order as {@link AsymmetricSearch#scanReference}); offers it; returns the new threshold. */
    private double exact(long[] a, int r, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        float[] t = table;
        int o = r * 4;
        float s = 0;
        s += fsum8(t, 0, a[o]);
        s += fsum8(t, 2048, a[o + 1]);
        s += fsum8(t, 4096, a[o + 2]);
        s += fsum8(t, 6144, a[o + 3]);
        return offer(s, r, inv, heap, idBase, filter);
    }

    private double exactGeneric(long[] a, int words, int r, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        float[] t = table;
        int o = r * words;
        float s = 0;
        int kb = 0;
        for (int w = 0; w < words && kb + 8 <= bytes; w++, kb += 8) {
            s += fsum8(t, kb << 8, a[o + w]);
        }
        for (; kb < bytes; kb++) {
            s += t[(kb << 8) | (int) ((a[o + (kb >>> 3)] >>> ((kb & 7) << 3)) & 0xFF)];
        }
        return offer(s, r, inv, heap, idBase, filter);
    }

    private static double offer(float s, int r, float[] inv, FloatHeap heap, int idBase, RowFilter filter) {
        if (inv != null) {
            s *= inv[r];
        }
        if (s > heap.threshold() && (filter == null || filter.accept(r))) {
            heap.offer(s, idBase + r);
        }
        return heap.threshold();
    }

    /** Eight float entries of one word, in the reference's order. */
    static float fsum8(float[] t, int tb, long x) {
        return t[tb | (int) (x & 0xFF)]
                + t[tb + 256 | (int) ((x >>> 8) & 0xFF)]
                + t[tb + 512 | (int) ((x >>> 16) & 0xFF)]
                + t[tb + 768 | (int) ((x >>> 24) & 0xFF)]
                + t[tb + 1024 | (int) ((x >>> 32) & 0xFF)]
                + t[tb + 1280 | (int) ((x >>> 40) & 0xFF)]
                + t[tb + 1536 | (int) ((x >>> 48) & 0xFF)]
                + t[tb + 1792 | (int) (x >>> 56)];
    }
}
