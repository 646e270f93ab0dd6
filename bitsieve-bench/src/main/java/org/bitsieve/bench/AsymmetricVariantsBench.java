package org.bitsieve.bench;

import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.QuantizedLut;
import org.openjdk.jmh.annotations.*;

/**
 * Loops for the 256-bit (32-byte) asymmetric scan, same database and scorers as {@link AsymmetricBench}, so
 * their ratios come from one run. ops/s = codes scored per second, one thread, top 10.
 * <ul>
 *   <li>{@code reference}: the plain float loop ({@link AsymmetricSearch#scanReference}), one code at a time;</li>
 *   <li>{@code fourRowsFloat}: four codes at a time, four independent float chains (the store's loop before
 *       the quantised table);</li>
 *   <li>{@code quantizedFourRows}: 16-bit integer table ({@link QuantizedLut}), four codes at a time, every
 *       byte looked up, exact float re-score of the codes whose bound beats the threshold;</li>
 *   <li>{@code quantized}: the library's scan: the same table, one code at a time, with an early exit after
 *       the first and second word when even the largest remaining entries cannot reach the threshold;
 *       both quantised variants include building the table per query;</li>
 *   <li>{@code top10} (inherited): {@code AsymmetricSearch.topK}, which is {@code quantized}.</li>
 * </ul>
 * All return identical top 10s (checked at setup).
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar AsymmetricVariantsBench</pre>
 */
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class AsymmetricVariantsBench extends AsymmetricBench {

    @Setup(Level.Trial)
    public void check() {
        for (int q = 0; q < QUERIES; q++) {
            float[] want = AsymmetricSearch.scanReference(db, inverseNorms, scorers[q], 10, 0, db.count()).toTopK().scores();
            int[] wantIds = AsymmetricSearch.scanReference(db, inverseNorms, scorers[q], 10, 0, db.count()).toTopK().ids();
            for (FloatHeap h : new FloatHeap[] {fourRowsFloat(db.data(), inverseNorms, scorers[q].table(), 10, 0, db.count()),
                    quantized(scorers[q]), quantizedFourRows(scorers[q])}) {
                if (!java.util.Arrays.equals(want, h.toTopK().scores()) || !java.util.Arrays.equals(wantIds, h.toTopK().ids())) {
                    throw new IllegalStateException("a variant differs from the reference loop");
                }
            }
        }
    }

    QueryScorer nextScorer() {
        QueryScorer s = scorers[next];
        next = (next + 1) % QUERIES;
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object reference() {
        return AsymmetricSearch.scanReference(db, inverseNorms, nextScorer(), 10, 0, db.count());
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object fourRowsFloat() {
        return fourRowsFloat(db.data(), inverseNorms, nextScorer().table(), 10, 0, db.count());
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object quantized() {
        return quantized(nextScorer());
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object quantizedFourRows() {
        return quantizedFourRows(nextScorer());
    }

    FloatHeap quantizedFourRows(QueryScorer s) {
        FloatHeap heap = new FloatHeap(10);
        QuantizedLut.of(s).scanFourRows(db.data(), 0, db.count(), inverseNorms, heap, 0, null);
        return heap;
    }

    FloatHeap quantized(QueryScorer s) {
        FloatHeap heap = new FloatHeap(10);
        QuantizedLut.of(s).scan(db.data(), db.words(), 0, db.count(), inverseNorms, heap, 0, null);
        return heap;
    }

    private static float word(float[] t, int base, long x) {
        return t[base | (int) (x & 0xFF)]
                + t[base + 256 | (int) ((x >>> 8) & 0xFF)]
                + t[base + 512 | (int) ((x >>> 16) & 0xFF)]
                + t[base + 768 | (int) ((x >>> 24) & 0xFF)]
                + t[base + 1024 | (int) ((x >>> 32) & 0xFF)]
                + t[base + 1280 | (int) ((x >>> 40) & 0xFF)]
                + t[base + 1536 | (int) ((x >>> 48) & 0xFF)]
                + t[base + 1792 | (int) (x >>> 56)];
    }

    /**
     * 32-byte codes, normalised scorer, four rows per step: four independent chains of float adds, each row in
     * the reference's order, so scores are bit-identical (the store's loop before {@link QuantizedLut}).
     */
    public static FloatHeap fourRowsFloat(long[] a, float[] inv, float[] t, int k, int from, int to) {
        FloatHeap heap = new FloatHeap(k);
        float worst = Float.NEGATIVE_INFINITY;
        int i = from;
        for (int o = from * 4; i + 3 < to; i += 4, o += 16) {
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int w = 0; w < 4; w++) {
                int tb = w << 11;
                s0 += word(t, tb, a[o + w]);
                s1 += word(t, tb, a[o + 4 + w]);
                s2 += word(t, tb, a[o + 8 + w]);
                s3 += word(t, tb, a[o + 12 + w]);
            }
            s0 *= inv[i];
            s1 *= inv[i + 1];
            s2 *= inv[i + 2];
            s3 *= inv[i + 3];
            if (s0 > worst) {
                heap.offer(s0, i);
                worst = heap.threshold();
            }
            if (s1 > worst) {
                heap.offer(s1, i + 1);
                worst = heap.threshold();
            }
            if (s2 > worst) {
                heap.offer(s2, i + 2);
                worst = heap.threshold();
            }
            if (s3 > worst) {
                heap.offer(s3, i + 3);
                worst = heap.threshold();
            }
        }
        for (int o = i * 4; i < to; i++, o += 4) {
            float s = 0;
            for (int w = 0; w < 4; w++) {
                s += word(t, w << 11, a[o + w]);
            }
            s *= inv[i];
            if (s > worst) {
                heap.offer(s, i);
                worst = heap.threshold();
            }
        }
        return heap;
    }
}
