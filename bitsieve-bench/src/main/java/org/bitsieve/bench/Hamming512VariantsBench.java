package org.bitsieve.bench;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Candidate loops for 512-bit codes (the library's generic {@code else} branch) against the library call and an
 * exact copy of its loop. ops/s = codes scanned per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar Hamming512VariantsBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class Hamming512VariantsBench {
    static final int N = HammingBench.N;
    static final int QUERIES = 64;

    PackedCodes db;
    long[] data;
    long[][] queries;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        db = BenchData.randomCodes(N, 512, BenchData.CODE_SEED);
        data = db.data();
        PackedCodes q = BenchData.randomCodes(QUERIES, 512, BenchData.QUERY_SEED);
        queries = new long[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = q.code(i);
        }
        for (int i = 0; i < 4; i++) {
            long[] want = ScanVariants.libraryGenericCopy(data, 8, queries[i], 10, 0, N).sorted();
            int[] lib = HammingSearch.topK(db, queries[i], 10).ids();
            for (int j = 0; j < 10; j++) {
                if ((int) want[j] != lib[j]) {
                    throw new IllegalStateException("copy differs from library");
                }
            }
            if (!java.util.Arrays.equals(want, ScanVariants.words8(data, queries[i], 10, 0, N).sorted())
                    || !java.util.Arrays.equals(want, ScanVariants.generic4(data, 8, queries[i], 10, 0, N).sorted())) {
                throw new IllegalStateException("variant differs from library");
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
    public Object libraryGenericCopy() {
        return ScanVariants.libraryGenericCopy(data, 8, nextQuery(), 10, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object words8() {
        return ScanVariants.words8(data, nextQuery(), 10, 0, N);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Object generic4() {
        return ScanVariants.generic4(data, 8, nextQuery(), 10, 0, N);
    }
}
