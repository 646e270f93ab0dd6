package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.TopK;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Single-thread asymmetric top-10 over 1,000,000 pcaq 256-bit codes. The encoder is fitted on the IMDB
 * MiniLM train vectors (25,000 x 384); the database is those 25,000 vectors plus 975,000 perturbed copies
 * (Gaussian noise sigma 0.02 per coordinate, renormalised), encoded; queries are 32 real train vectors.
 * Reported ops/s = codes scored per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar AsymmetricBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class AsymmetricBench {
    static final int N = 1_000_000;
    static final int QUERIES = 32;

    @Param({"pcaq"})
    public String kind;

    @Param({"256"})
    public int bits;

    PackedCodes db;
    float[] inverseNorms;
    QueryScorer[] scorers;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        FloatMatrix train = BenchData.loadImdb();
        Encoder enc = Encoders.fit(kind, train, FitOptions.bits(bits));
        FloatMatrix vectors = BenchData.perturbed(train, N, 0.02f, 99L);
        db = enc.encodeAll(vectors);
        inverseNorms = enc.inverseNorms(db);
        scorers = new QueryScorer[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            scorers[i] = enc.scorer(train.row(i * 701));
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public TopK top10() {
        QueryScorer s = scorers[next];
        next = (next + 1) % QUERIES;
        return AsymmetricSearch.topK(db, inverseNorms, s, 10);
    }
}
