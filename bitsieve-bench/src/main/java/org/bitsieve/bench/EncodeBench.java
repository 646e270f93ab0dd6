package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Single-thread encoding throughput, 384-d IMDB MiniLM vectors to 256 bits. One invocation encodes a batch of
 * 4,096 real vectors with {@code encodeInto} (the same per-vector call {@code encodeAll} makes on each pool
 * thread; before 2026-12-06, seventh session, its only call) and with {@code encodeRowsInto} (what {@code encodeAll}
 * and bulk loads call now: plane encoders project two vectors per pass); reported ops/s = vectors per second on one
 * core.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar EncodeBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class EncodeBench {
    static final int BATCH = 4096;

    @Param({"pcaq", "itq", "witq"})
    public String kind;

    @Param({"256"})
    public int bits;

    Encoder encoder;
    float[] data;
    int dim;
    long[] out;
    int words;
    int rows;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        FloatMatrix train = BenchData.loadImdb();
        encoder = Encoders.fit(kind, train, FitOptions.bits(bits));
        data = train.data();
        dim = train.dim();
        rows = train.rows() / BATCH * BATCH;
        words = encoder.words();
        out = new long[BATCH * words];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] encodeBatch() {
        int base = next;
        next = (next + BATCH) % rows;
        for (int i = 0; i < BATCH; i++) {
            encoder.encodeInto(data, (base + i) * dim, out, i * words);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] encodeRows() {
        int base = next;
        next = (next + BATCH) % rows;
        encoder.encodeRowsInto(data, base * dim, BATCH, out, 0);
        return out;
    }
}
