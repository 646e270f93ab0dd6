package org.bitsieve.bench;

import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatHeap;
import org.openjdk.jmh.annotations.*;

/**
 * Candidate loops for the 256-bit (32-byte) asymmetric scan, same database and scorers as
 * {@link AsymmetricBench}; the inherited {@code top10} is the library call. ops/s = codes scored per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar AsymmetricVariantsBench</pre>
 */
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class AsymmetricVariantsBench extends AsymmetricBench {

    @Setup(Level.Trial)
    public void check() {
        for (int q = 0; q < 4; q++) {
            float[] want = AsymmetricSearch.topK(db, inverseNorms, scorers[q], 10).scores();
            FloatHeap h = unrolled32(db.data(), inverseNorms, scorers[q].table(), 10, 0, db.count());
            float[] got = h.toTopK().scores();
            if (!java.util.Arrays.equals(want, got)) {
                throw new IllegalStateException("unrolled32 differs from the library");
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
    public Object unrolled32() {
        return unrolled32(db.data(), inverseNorms, nextScorer().table(), 10, 0, db.count());
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object twoSums32() {
        return twoSums32(db.data(), inverseNorms, nextScorer().table(), 10, 0, db.count());
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
     * 32-byte codes, normalised scorer: the word loop fully unrolled, one induction variable; the summation
     * order is the library's, so the scores are bit-identical.
     */
    public static FloatHeap unrolled32(long[] a, float[] inv, float[] t, int k, int from, int to) {
        FloatHeap heap = new FloatHeap(k);
        float worst = Float.NEGATIVE_INFINITY;
        for (int o = from * 4, end = to * 4; o < end; o += 4) {
            float s = 0;
            s += word(t, 0, a[o]);
            s += word(t, 2048, a[o + 1]);
            s += word(t, 4096, a[o + 2]);
            s += word(t, 6144, a[o + 3]);
            int i = o >>> 2;
            s *= inv[i];
            if (s > worst) {
                heap.offer(s, i);
                worst = heap.threshold();
            }
        }
        return heap;
    }

    /** As {@link #unrolled32} but (w0 + w1) + (w2 + w3): shorter dependency chain, different float rounding. */
    public static FloatHeap twoSums32(long[] a, float[] inv, float[] t, int k, int from, int to) {
        FloatHeap heap = new FloatHeap(k);
        float worst = Float.NEGATIVE_INFINITY;
        for (int o = from * 4, end = to * 4; o < end; o += 4) {
            float s = (word(t, 0, a[o]) + word(t, 2048, a[o + 1])) + (word(t, 4096, a[o + 2]) + word(t, 6144, a[o + 3]));
            int i = o >>> 2;
            s *= inv[i];
            if (s > worst) {
                heap.offer(s, i);
                worst = heap.threshold();
            }
        }
        return heap;
    }
}
