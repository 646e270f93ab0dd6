package org.bitsieve.bench;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Single-thread exact Hamming top-10 over 1,000,000 random codes. One invocation = one query scanning the whole
 * database, and {@code @OperationsPerInvocation(N)} makes the reported "ops/s" equal to codes scanned per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar HammingBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class HammingBench {
    public static final int N = 1_000_000;
    static final int QUERIES = 64;

    @Param({"128", "256", "264", "512"})
    public int bits;

    PackedCodes db;
    long[][] queries;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        db = BenchData.randomCodes(N, bits, BenchData.CODE_SEED);
        PackedCodes q = BenchData.randomCodes(QUERIES, bits, BenchData.QUERY_SEED);
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

    /** The library call, {@code HammingSearch.topK(db, query, 10)}. */
    @Benchmark
    @OperationsPerInvocation(N)
    public TopK top10() {
        return HammingSearch.topK(db, nextQuery(), 10);
    }
}
