package org.bitsieve.core.search;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.QueryScorer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Exact top-k by asymmetric score: the query stays float, codes are scored by one table lookup per code byte
 * ({@link QueryScorer}), optionally divided by each code's norm. The scan runs on a per-query 16-bit integer
 * copy of the table and scores exactly only the codes whose bound can enter the top k ({@link QuantizedLut});
 * its results equal those of the plain float loop {@link #scanReference}, ids and scores to the bit.
 */
public final class AsymmetricSearch {
    private AsymmetricSearch() {}

    /**
     * @param inverseNorms per-code inverse norms when {@code scorer.normalized()}, else ignored (may be null)
     */
    public static TopK topK(PackedCodes db, float[] inverseNorms, QueryScorer scorer, int k) {
        return scan(db, inverseNorms, QuantizedLut.of(scorer), scorer, k, 0, db.count()).toTopK();
    }

    public static TopK topK(PackedCodes db, float[] inverseNorms, QueryScorer scorer, int k, int threads) {
        int n = db.count();
        if (threads <= 1 || n < 32768) {
            return topK(db, inverseNorms, scorer, k);
        }
        QuantizedLut lut = QuantizedLut.of(scorer);
        List<Future<FloatHeap>> parts = new ArrayList<>();
        // part 0 runs on the calling thread: the common pool has only nproc - 1 workers
        for (int t = 1; t < threads; t++) {
            int from = (int) ((long) n * t / threads);
            int to = (int) ((long) n * (t + 1) / threads);
            parts.add(ForkJoinPool.commonPool().submit(() -> scan(db, inverseNorms, lut, scorer, k, from, to)));
        }
        FloatHeap merged = scan(db, inverseNorms, lut, scorer, k, 0, (int) ((long) n / threads));
        for (Future<FloatHeap> f : parts) {
            try {
                merged.addAll(f.get());
            } catch (Exception e) {
                throw new IllegalStateException("search failed", e);
            }
        }
        return merged.toTopK();
    }

    /** Top k of codes {@code [from, to)} (heap ids are code indices), through the quantised table. */
    public static FloatHeap scan(PackedCodes db, float[] inverseNorms, QueryScorer scorer, int k, int from, int to) {
        return scan(db, inverseNorms, QuantizedLut.of(scorer), scorer, k, from, to);
    }

    private static FloatHeap scan(PackedCodes db, float[] inverseNorms, QuantizedLut lut, QueryScorer scorer, int k, int from, int to) {
        check(db, inverseNorms, scorer);
        FloatHeap heap = new FloatHeap(k);
        lut.scan(db.data(), db.words(), from, to, scorer.normalized() ? inverseNorms : null, heap, 0, null);
        return heap;
    }

    private static void check(PackedCodes db, float[] inverseNorms, QueryScorer scorer) {
        if (scorer.bytes() != db.bytesPerCode()) {
            throw new IllegalArgumentException("scorer is for " + scorer.bytes() + "-byte codes, the codes have " + db.bytesPerCode());
        }
        boolean norm = scorer.normalized();
        if (norm && (inverseNorms == null || inverseNorms.length != db.count())) {
            throw new IllegalArgumentException("this scorer needs one inverse norm per code");
        }
    }

    /**
     * The plain float loop: one table lookup per code byte, summed in float in byte order. It defines the
     * asymmetric score; the fast path must match it exactly (tests, and the variant benchmark compare them).
     */
    public static FloatHeap scanReference(PackedCodes db, float[] inverseNorms, QueryScorer scorer, int k, int from, int to) {
        check(db, inverseNorms, scorer);
        boolean norm = scorer.normalized();
        FloatHeap heap = new FloatHeap(k);
        float[] t = scorer.table();
        long[] a = db.data();
        int words = db.words();
        int bytes = scorer.bytes();
        float worst = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            int o = i * words;
            float s = 0;
            int kb = 0;
            // whole words: eight lookups each, table rows advance by 256 per byte
            for (int w = 0; w < words && kb + 8 <= bytes; w++, kb += 8) {
                long x = a[o + w];
                int base = kb << 8;
                s += t[base | (int) (x & 0xFF)]
                        + t[base + 256 | (int) ((x >>> 8) & 0xFF)]
                        + t[base + 512 | (int) ((x >>> 16) & 0xFF)]
                        + t[base + 768 | (int) ((x >>> 24) & 0xFF)]
                        + t[base + 1024 | (int) ((x >>> 32) & 0xFF)]
                        + t[base + 1280 | (int) ((x >>> 40) & 0xFF)]
                        + t[base + 1536 | (int) ((x >>> 48) & 0xFF)]
                        + t[base + 1792 | (int) (x >>> 56)];
            }
            for (; kb < bytes; kb++) {
                s += t[(kb << 8) | (int) ((a[o + (kb >>> 3)] >>> ((kb & 7) << 3)) & 0xFF)];
            }
            if (norm) {
                s *= inverseNorms[i];
            }
            if (s > worst) {
                heap.offer(s, i);
                worst = heap.threshold();
            }
        }
        return heap;
    }
}
