package org.bitsieve.bench;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Candidate loop shapes for the 256-bit Hamming scan against the library call and an exact copy of its loop,
 * same data, same JVM. ops/s = codes scanned per second (for {@code blocked*}, codes x queries).
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar HammingVariantsBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class HammingVariantsBench {
    static final int N = HammingBench.N;
    static final int QUERIES = 64;
    static final int BATCH = 16;

    PackedCodes db;
    long[] data;
    long[][] queries;
    long[][] batch;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        db = BenchData.randomCodes(N, 256, BenchData.CODE_SEED);
        data = db.data();
        PackedCodes q = BenchData.randomCodes(QUERIES, 256, BenchData.QUERY_SEED);
        queries = new long[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = q.code(i);
        }
        batch = java.util.Arrays.copyOf(queries, BATCH);
        // every variant must give the library's exact answer
        for (int i = 0; i < 4; i++) {
            long[] want = ScanVariants.libraryCopy(data, queries[i], 10, 0, N).sorted();
            check(want, HammingSearch.topK(db, queries[i], 10).ids(), "library");
            check(want, ScanVariants.flat(data, queries[i], 10, 0, N).sorted(), "flat");
            check(want, ScanVariants.unroll2(data, queries[i], 10, 0, N).sorted(), "unroll2");
            check(want, ScanVariants.unroll4(data, queries[i], 10, 0, N).sorted(), "unroll4");
        }
        ScanVariants.Heap[] hb = ScanVariants.blocked(data, batch, 10, 0, N, 4096);
        for (int i = 0; i < BATCH; i++) {
            check(ScanVariants.libraryCopy(data, batch[i], 10, 0, N).sorted(), hb[i].sorted(), "blocked");
        }
    }

    private static void check(long[] want, long[] got, String what) {
        if (!java.util.Arrays.equals(want, got)) {
            throw new IllegalStateException(what + " differs from the library loop");
        }
    }

    private static void check(long[] want, int[] ids, String what) {
        for (int j = 0; j < want.length; j++) {
            if ((int) want[j] != ids[j]) {
                throw new IllegalStateException(what + " differs from the library loop");
            }
        }
    }

    long[] nextQuery() {
        long[] q = queries[next];
        next = (next + 1) & (QUERIES - 1);
        return q;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object library() {
        return HammingSearch.topK(db, nextQuery(), 10);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object libraryCopy() {
        return ScanVariants.libraryCopy(data, nextQuery(), 10, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object flat() {
        return ScanVariants.flat(data, nextQuery(), 10, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object unroll2() {
        return ScanVariants.unroll2(data, nextQuery(), 10, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object unroll4() {
        return ScanVariants.unroll4(data, nextQuery(), 10, 0, N);
    }

    /** 16 queries per invocation, database blocks of 4,096 codes (128 KiB). */
    @Benchmark
    @OperationsPerInvocation(N * BATCH)
    public Object blocked16() {
        return ScanVariants.blocked(data, batch, 10, 0, N, 4096);
    }

    /** Reference for blocked16: the same 16 queries one after the other, whole-database scans. */
    @Benchmark
    @OperationsPerInvocation(N * BATCH)
    public Object sequential16() {
        Object last = null;
        for (long[] q : batch) {
            last = ScanVariants.unroll2(data, q, 10, 0, N);
        }
        return last;
    }
}
