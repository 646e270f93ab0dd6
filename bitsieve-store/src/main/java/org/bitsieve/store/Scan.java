package org.bitsieve.store;

import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.QuantizedLut;

/**
 * The scan loops: score every code of a row range, keep the best k in a heap. Rows go in tiles, and every
 * query of a batch scans a tile while it is in cache, so a batch of queries reads the codes from memory once. Deleted rows and rows failing the filter are
 * checked only for candidates that beat the heap's threshold, so they cost nothing in the common case. Heap
 * ids are snapshot positions ({@code base + row}); scanning rows in increasing order with a strict {@code >}
 * keeps the core's tie rule (smaller id first), so results match {@code HammingSearch} and the plain float
 * loop {@code AsymmetricSearch.scanReference} exactly.
 */
final class Scan {
    /** Rows per tile: 2048 x 32 bytes = 64 KB, comfortably inside L2. */
    static final int TILE_ROWS = 2048;

    /** One query's state while scanning one view. Exactly one of {@code code} and {@code table} is set. */
    static final class Query {
        final long[] code;
        final QuantizedLut table;
        float[] invNorms;
        String[] column;
        final String want;
        /** The typed filter for the current view's rows, or null; asked only about heap candidates. */
        java.util.function.IntPredicate where;
        final FloatHeap heap;

        Query(long[] code, QuantizedLut table, String want, FloatHeap heap) {
            this.code = code;
            this.table = table;
            this.want = want;
            this.heap = heap;
        }
    }

    private Scan() {}

    /** Scans rows {@code [from, to)} of a view for every query (their per-view column and norms already set). */
    static void range(View v, int from, int to, Query[] queries) {
        long[] a = v.part().words();
        int words = v.part().stride >>> 3;
        long[] del = v.deleted();
        int base = v.base();
        int tile = queries.length == 1 ? to - from : TILE_ROWS;
        for (int t0 = from; t0 < to; t0 += tile) {
            int n = Math.min(tile, to - t0);
            for (Query q : queries) {
                if (q.code != null) {
                    hamming(a, words, n, t0, q.code, del, q.column, q.want, q.where, base, q.heap);
                } else {
                    asymmetric(a, words, n, t0, q.table, q.invNorms, del, q.column, q.want, q.where, base, q.heap);
                }
            }
        }
    }

    /** Hamming over {@code n} codes from row r0: score = -distance. */
    static void hamming(long[] a, int words, int n, int r0, long[] q, long[] del, String[] column, String want, java.util.function.IntPredicate where, int base,
                        FloatHeap heap) {
        // compare distances as ints: score -d beats the heap's worst score w exactly when d < -w
        int limit = limit(heap);
        if (words == 4) {
            long q0 = q[0];
            long q1 = q[1];
            long q2 = q[2];
            long q3 = q[3];
            int end = (r0 + n) * 4;
            for (int o = r0 * 4; o < end; o += 4) {
                int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                        + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
                if (d < limit) {
                    int r = o >>> 2;
                    if (accept(del, column, want, where, r)) {
                        heap.offer(-d, base + r);
                        limit = limit(heap);
                    }
                }
            }
            return;
        }
        if (words == 5) {
            // 264 bits (256 planes and witq's 8-bit factor): the generic loop measured 6.5 ns per code, this one 3.6
            // (4-word codes: 2.8-3.0; one run alternating both, tools/experiments/StoreScan.java)
            long q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4];
            int end = (r0 + n) * 5;
            for (int o = r0 * 5, r = r0; o < end; o += 5, r++) {
                int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                        + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3) + Long.bitCount(a[o + 4] ^ q4);
                if (d < limit && accept(del, column, want, where, r)) {
                    heap.offer(-d, base + r);
                    limit = limit(heap);
                }
            }
            return;
        }
        for (int i = 0, o = r0 * words; i < n; i++, o += words) {
            int d = 0;
            for (int w = 0; w < words; w++) {
                d += Long.bitCount(a[o + w] ^ q[w]);
            }
            if (d < limit && accept(del, column, want, where, r0 + i)) {
                heap.offer(-d, base + r0 + i);
                limit = limit(heap);
            }
        }
    }

    private static int limit(FloatHeap heap) {
        float w = heap.threshold();
        return w == Float.NEGATIVE_INFINITY ? Integer.MAX_VALUE : (int) -w;
    }

    /**
     * Asymmetric over {@code n} codes from row r0 through the core's quantised table ({@link QuantizedLut}):
     * integer sums, an exact float re-score for codes whose bound beats the heap threshold, so scores and ties
     * equal the core's reference loop. Deleted rows and the filter are checked only for codes entering the heap.
     */
    static void asymmetric(long[] a, int words, int n, int r0, QuantizedLut lut, float[] invNorms, long[] del,
                           String[] column, String want, java.util.function.IntPredicate where, int base, FloatHeap heap) {
        QuantizedLut.RowFilter filter = del == null && column == null && where == null ? null : r -> accept(del, column, want, where, r);
        lut.scan(a, words, r0, r0 + n, invNorms, heap, base, filter);
    }

    private static boolean accept(long[] del, String[] column, String want, java.util.function.IntPredicate where, int r) {
        if (del != null && ((del[r >>> 6] >>> r) & 1L) != 0) {
            return false;
        }
        return (column == null || want.equals(column[r])) && (where == null || where.test(r));
    }
}
