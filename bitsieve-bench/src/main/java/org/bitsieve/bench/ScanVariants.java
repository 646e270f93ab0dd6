package org.bitsieve.bench;

/**
 * Prototype copies of the 256-bit Hamming scan loop ({@code HammingSearch.scan}, {@code words == 4} branch),
 * so alternative loop shapes can be measured against an exact copy of the library loop in the same JVM.
 * All variants return the same heap (same distances, ids, tie-break by smaller id) as the library.
 */
public final class ScanVariants {
    private ScanVariants() {}

    /** Exact copy of the library loop: two induction variables (i and o = 4 i). */
    public static Heap libraryCopy(long[] a, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        for (int i = from, o = from * 4; i < to; i++, o += 4) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            if (d < worst) {
                worst = heap.offerFast(d, i);
            }
        }
        return heap;
    }

    /** One induction variable over the word offset; the id is recovered as o / 4 only on the rare insert. */
    public static Heap flat(long[] a, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        for (int o = from * 4, end = to * 4; o < end; o += 4) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            if (d < worst) {
                worst = heap.offerFast(d, o >>> 2);
            }
        }
        return heap;
    }

    /**
     * Two codes per iteration, one induction variable; one combined branch ({@code min(d0, d1) < worst}) on the
     * hot path, since inserts are rare after the first few thousand codes.
     */
    public static Heap unroll2(long[] a, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        int o = from * 4;
        int end = to * 4;
        for (; o + 8 <= end; o += 8) {
            int d0 = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            int d1 = Long.bitCount(a[o + 4] ^ q0) + Long.bitCount(a[o + 5] ^ q1)
                    + Long.bitCount(a[o + 6] ^ q2) + Long.bitCount(a[o + 7] ^ q3);
            if (Math.min(d0, d1) < worst) {
                if (d0 < worst) {
                    worst = heap.offerFast(d0, o >>> 2);
                }
                if (d1 < worst) {
                    worst = heap.offerFast(d1, (o >>> 2) + 1);
                }
            }
        }
        for (; o < end; o += 4) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            if (d < worst) {
                worst = heap.offerFast(d, o >>> 2);
            }
        }
        return heap;
    }

    /** Four codes per iteration, same shape as {@link #unroll2}. */
    public static Heap unroll4(long[] a, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        int o = from * 4;
        int end = to * 4;
        for (; o + 16 <= end; o += 16) {
            int d0 = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            int d1 = Long.bitCount(a[o + 4] ^ q0) + Long.bitCount(a[o + 5] ^ q1)
                    + Long.bitCount(a[o + 6] ^ q2) + Long.bitCount(a[o + 7] ^ q3);
            int d2 = Long.bitCount(a[o + 8] ^ q0) + Long.bitCount(a[o + 9] ^ q1)
                    + Long.bitCount(a[o + 10] ^ q2) + Long.bitCount(a[o + 11] ^ q3);
            int d3 = Long.bitCount(a[o + 12] ^ q0) + Long.bitCount(a[o + 13] ^ q1)
                    + Long.bitCount(a[o + 14] ^ q2) + Long.bitCount(a[o + 15] ^ q3);
            if (Math.min(Math.min(d0, d1), Math.min(d2, d3)) < worst) {
                int id = o >>> 2;
                if (d0 < worst) {
                    worst = heap.offerFast(d0, id);
                }
                if (d1 < worst) {
                    worst = heap.offerFast(d1, id + 1);
                }
                if (d2 < worst) {
                    worst = heap.offerFast(d2, id + 2);
                }
                if (d3 < worst) {
                    worst = heap.offerFast(d3, id + 3);
                }
            }
        }
        for (; o < end; o += 4) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            if (d < worst) {
                worst = heap.offerFast(d, o >>> 2);
            }
        }
        return heap;
    }

    /**
     * A batch of queries, blocked over the database: each block of {@code block} codes (block * 32 bytes, sized
     * to stay in L2) is scanned by every query before moving on, so the database streams from memory once per
     * batch instead of once per query. The inner loop is {@link #unroll2}'s, with per-query state carried over.
     */
    public static Heap[] blocked(long[] a, long[][] queries, int k, int from, int to, int block) {
        int nq = queries.length;
        Heap[] heaps = new Heap[nq];
        int[] worst = new int[nq];
        for (int q = 0; q < nq; q++) {
            heaps[q] = new Heap(k);
            worst[q] = Integer.MAX_VALUE;
        }
        for (int b0 = from; b0 < to; b0 += block) {
            int b1 = Math.min(to, b0 + block);
            for (int q = 0; q < nq; q++) {
                worst[q] = scanRange(a, queries[q], heaps[q], worst[q], b0, b1);
            }
        }
        return heaps;
    }

    private static int scanRange(long[] a, long[] query, Heap heap, int worst, int from, int to) {
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        int o = from * 4;
        int end = to * 4;
        for (; o + 8 <= end; o += 8) {
            int d0 = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            int d1 = Long.bitCount(a[o + 4] ^ q0) + Long.bitCount(a[o + 5] ^ q1)
                    + Long.bitCount(a[o + 6] ^ q2) + Long.bitCount(a[o + 7] ^ q3);
            if (Math.min(d0, d1) < worst) {
                if (d0 < worst) {
                    worst = heap.offerFast(d0, o >>> 2);
                }
                if (d1 < worst) {
                    worst = heap.offerFast(d1, (o >>> 2) + 1);
                }
            }
        }
        for (; o < end; o += 4) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3);
            if (d < worst) {
                worst = heap.offerFast(d, o >>> 2);
            }
        }
        return worst;
    }

    /** Exact copy of the library's generic loop (used for every width except 128 and 256 bits). */
    public static Heap libraryGenericCopy(long[] a, int words, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        for (int i = from, o = from * words; i < to; i++, o += words) {
            int d = 0;
            for (int w = 0; w < words; w++) {
                d += Long.bitCount(a[o + w] ^ query[w]);
            }
            if (d < worst) {
                worst = heap.offerFast(d, i);
            }
        }
        return heap;
    }

    /** 512 bits: the query hoisted into eight locals, one induction variable, like the 256-bit branch. */
    public static Heap words8(long[] a, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        long q0 = query[0], q1 = query[1], q2 = query[2], q3 = query[3];
        long q4 = query[4], q5 = query[5], q6 = query[6], q7 = query[7];
        for (int o = from * 8, end = to * 8; o < end; o += 8) {
            int d = Long.bitCount(a[o] ^ q0) + Long.bitCount(a[o + 1] ^ q1)
                    + Long.bitCount(a[o + 2] ^ q2) + Long.bitCount(a[o + 3] ^ q3)
                    + Long.bitCount(a[o + 4] ^ q4) + Long.bitCount(a[o + 5] ^ q5)
                    + Long.bitCount(a[o + 6] ^ q6) + Long.bitCount(a[o + 7] ^ q7);
            if (d < worst) {
                worst = heap.offerFast(d, o >>> 3);
            }
        }
        return heap;
    }

    /**
     * Any width that is a multiple of 4 words: the inner loop consumed 4 words per step (a generic fix that
     * needs no per-width branch), one induction variable over the word offset.
     */
    public static Heap generic4(long[] a, int words, long[] query, int k, int from, int to) {
        Heap heap = new Heap(k);
        int worst = Integer.MAX_VALUE;
        for (int o = from * words, end = to * words; o < end; o += words) {
            int d = 0;
            for (int w = 0; w < words; w += 4) {
                d += Long.bitCount(a[o + w] ^ query[w]) + Long.bitCount(a[o + w + 1] ^ query[w + 1])
                        + Long.bitCount(a[o + w + 2] ^ query[w + 2]) + Long.bitCount(a[o + w + 3] ^ query[w + 3]);
            }
            if (d < worst) {
                worst = heap.offerFast(d, o / words);
            }
        }
        return heap;
    }

    /** Copy of {@code HammingSearch.IntHeap} (its constructor is package-private in core). */
    public static final class Heap {
        final int[] dist;
        final int[] id;
        int size;
        final int k;

        Heap(int k) {
            this.k = k;
            dist = new int[k];
            id = new int[k];
        }

        int offerFast(int d, int i) {
            offer(d, i);
            return size < k ? Integer.MAX_VALUE : dist[0];
        }

        private static boolean worse(int d1, int i1, int d2, int i2) {
            return d1 > d2 || (d1 == d2 && i1 > i2);
        }

        void offer(int d, int i) {
            if (size < k) {
                int c = size++;
                dist[c] = d;
                id[c] = i;
                while (c > 0) {
                    int p = (c - 1) >>> 1;
                    if (worse(dist[c], id[c], dist[p], id[p])) {
                        swap(c, p);
                        c = p;
                    } else {
                        break;
                    }
                }
            } else if (worse(dist[0], id[0], d, i)) {
                dist[0] = d;
                id[0] = i;
                int c = 0;
                while (true) {
                    int l = 2 * c + 1;
                    int r = l + 1;
                    int m = c;
                    if (l < size && worse(dist[l], id[l], dist[m], id[m])) {
                        m = l;
                    }
                    if (r < size && worse(dist[r], id[r], dist[m], id[m])) {
                        m = r;
                    }
                    if (m == c) {
                        break;
                    }
                    swap(c, m);
                    c = m;
                }
            }
        }

        private void swap(int x, int y) {
            int t = dist[x];
            dist[x] = dist[y];
            dist[y] = t;
            t = id[x];
            id[x] = id[y];
            id[y] = t;
        }

        /** (distance << 32 | id), sorted best first. */
        public long[] sorted() {
            long[] packed = new long[size];
            for (int j = 0; j < size; j++) {
                packed[j] = ((long) dist[j] << 32) | (id[j] & 0xFFFFFFFFL);
            }
            java.util.Arrays.sort(packed);
            return packed;
        }
    }
}
