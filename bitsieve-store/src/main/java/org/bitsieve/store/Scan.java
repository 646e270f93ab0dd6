package org.bitsieve.store;

import org.bitsieve.core.search.FloatHeap;

/**
 * The scan loops: score every code of a row range, keep the best k in a heap. Rows go in tiles, and every
 * query of a batch scans a tile while it is in cache, so a batch of queries reads the codes from memory once. Deleted rows and rows failing the filter are
 * checked only for candidates that beat the heap's threshold, so they cost nothing in the common case. Heap
 * ids are snapshot positions ({@code base + row}); scanning rows in increasing order with a strict {@code >}
 * keeps the core's tie rule (smaller id first), so results match {@code HammingSearch} and
 * {@code AsymmetricSearch} exactly.
 */
final class Scan {
    /** Rows per tile: 2048 x 32 bytes = 64 KB, comfortably inside L2. */
    static final int TILE_ROWS = 2048;

    /** One query's state while scanning one view. Exactly one of {@code code} and {@code table} is set. */
    static final class Query {
        final long[] code;
        final float[] table;
        final int bytes;
        float[] invNorms;
        String[] column;
        final String want;
        final FloatHeap heap;

        Query(long[] code, float[] table, int bytes, String want, FloatHeap heap) {
            this.code = code;
            this.table = table;
            this.bytes = bytes;
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
                    hamming(a, words, n, t0, q.code, del, q.column, q.want, base, q.heap);
                } else {
                    asymmetric(a, words, n, t0, q.table, q.bytes, q.invNorms, del, q.column, q.want, base, q.heap);
                }
            }
        }
    }

    /** Hamming over {@code n} codes from row r0: score = -distance. */
    static void hamming(long[] a, int words, int n, int r0, long[] q, long[] del, String[] column, String want, int base,
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
                    if (accept(del, column, want, r)) {
                        heap.offer(-d, base + r);
                        limit = limit(heap);
                    }
                }
            }
            return;
        }
        for (int i = 0, o = r0 * words; i < n; i++, o += words) {
            int d = 0;
            for (int w = 0; w < words; w++) {
                d += Long.bitCount(a[o + w] ^ q[w]);
            }
            if (d < limit && accept(del, column, want, r0 + i)) {
                heap.offer(-d, base + r0 + i);
                limit = limit(heap);
            }
        }
    }

    private static int limit(FloatHeap heap) {
        float w = heap.threshold();
        return w == Float.NEGATIVE_INFINITY ? Integer.MAX_VALUE : (int) -w;
    }

    /** Asymmetric over {@code n} codes from row r0: sum of per-byte table entries, times the inverse norm when the scorer is normalised. */
    static void asymmetric(long[] a, int words, int n, int r0, float[] t, int bytes, float[] invNorms, long[] del,
                           String[] column, String want, int base, FloatHeap heap) {
        int i = 0;
        if (words == 4 && bytes == 32) {
            // four rows at a time: each row's sum is one chain of dependent float adds (latency-bound), so four
            // independent chains run about three times faster. Each row still adds in the core's order, so
            // scores are bit-identical to AsymmetricSearch.
            float worst = heap.threshold();
            for (int o = r0 * 4; i + 3 < n; i += 4, o += 16) {
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int w = 0; w < 4; w++) {
                    int tb = w << 11;
                    s0 += sum8(t, tb, a[o + w]);
                    s1 += sum8(t, tb, a[o + 4 + w]);
                    s2 += sum8(t, tb, a[o + 8 + w]);
                    s3 += sum8(t, tb, a[o + 12 + w]);
                }
                int r = r0 + i;
                if (invNorms != null) {
                    s0 *= invNorms[r];
                    s1 *= invNorms[r + 1];
                    s2 *= invNorms[r + 2];
                    s3 *= invNorms[r + 3];
                }
                // in row order, so equal scores keep the smaller id as in the core
                if (s0 > worst && accept(del, column, want, r)) {
                    heap.offer(s0, base + r);
                    worst = heap.threshold();
                }
                if (s1 > worst && accept(del, column, want, r + 1)) {
                    heap.offer(s1, base + r + 1);
                    worst = heap.threshold();
                }
                if (s2 > worst && accept(del, column, want, r + 2)) {
                    heap.offer(s2, base + r + 2);
                    worst = heap.threshold();
                }
                if (s3 > worst && accept(del, column, want, r + 3)) {
                    heap.offer(s3, base + r + 3);
                    worst = heap.threshold();
                }
            }
        }
        int fullWords = bytes >>> 3;
        float worst = heap.threshold();
        for (int o = (r0 + i) * words; i < n; i++, o += words) {
            float s = 0;
            int kb = 0;
            for (int w = 0; w < fullWords; w++, kb += 8) {
                s += sum8(t, kb << 8, a[o + w]);
            }
            for (; kb < bytes; kb++) {
                s += t[(kb << 8) | (int) ((a[o + (kb >>> 3)] >>> ((kb & 7) << 3)) & 0xFF)];
            }
            int r = r0 + i;
            if (invNorms != null) {
                s *= invNorms[r];
            }
            if (s > worst && accept(del, column, want, r)) {
                heap.offer(s, base + r);
                worst = heap.threshold();
            }
        }
    }

    /** The eight table entries of one code word, added in the same order as the core's scan loop. */
    private static float sum8(float[] t, int tb, long x) {
        return t[tb | (int) (x & 0xFF)]
                + t[tb + 256 | (int) ((x >>> 8) & 0xFF)]
                + t[tb + 512 | (int) ((x >>> 16) & 0xFF)]
                + t[tb + 768 | (int) ((x >>> 24) & 0xFF)]
                + t[tb + 1024 | (int) ((x >>> 32) & 0xFF)]
                + t[tb + 1280 | (int) ((x >>> 40) & 0xFF)]
                + t[tb + 1536 | (int) ((x >>> 48) & 0xFF)]
                + t[tb + 1792 | (int) (x >>> 56)];
    }

    private static boolean accept(long[] del, String[] column, String want, int r) {
        if (del != null && ((del[r >>> 6] >>> r) & 1L) != 0) {
            return false;
        }
        return column == null || want.equals(column[r]);
    }
}
