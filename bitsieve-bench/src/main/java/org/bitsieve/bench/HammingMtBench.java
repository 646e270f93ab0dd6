package org.bitsieve.bench;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Multi-threaded Hamming top-10 over 1,000,000 random 256-bit codes ({@code topK(db, q, 10, threads)}), for
 * reference against the single-thread call in the same run. Reported ops/s = codes scanned per second, all
 * threads together. The library submits to {@code ForkJoinPool.commonPool()}, whose parallelism is
 * {@code nproc - 1} (only 1 worker on a 2-core machine), so {@code top10CommonPool2} reruns it in a JVM with
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar HammingMtBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class HammingMtBench {
    static final int N = HammingBench.N;
    static final int QUERIES = 64;

    @Param({"2"})
    public int threads;

    PackedCodes db;
    long[][] queries;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        db = BenchData.randomCodes(N, 256, BenchData.CODE_SEED);
        PackedCodes q = BenchData.randomCodes(QUERIES, 256, BenchData.QUERY_SEED);
        queries = new long[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = q.code(i);
        }
    }

    long[] nextQuery() {
        long[] q = queries[next];
        next = (next + 1) & (QUERIES - 1);
        return q;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public TopK top10Threads() {
        return HammingSearch.topK(db, nextQuery(), 10, threads);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"})
    public TopK top10ThreadsCommonPool2() {
        return HammingSearch.topK(db, nextQuery(), 10, threads);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public TopK top10Single() {
        return HammingSearch.topK(db, nextQuery(), 10);
    }
}
