package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.PlaneEncoder;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * End-to-end encoding on a real fitted itq encoder (384-d, 256 bits): {@code library} is {@code encodeInto} (since
 * 2026-12-06 its projection adds four matrix rows per pass, {@code Vectors.multiply});
 * {@code rowArrays} is the loop before that, one row per pass ({@link EncodeVariantsBench#multiplyRows}), kept as
 * the "before" of the comparison. Setup checks that both give bit-identical codes for all 25,000 IMDB vectors.
 * ops/s = vectors per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar EncodeItqProtoBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class EncodeItqProtoBench {
    static final int BATCH = 4096;

    PlaneEncoder enc;
    float[][] planesRows;   // dim rows of bits
    float[] offsets;
    float[] p;
    float[] data;
    int dim;
    int bits;
    int words;
    int rows;
    long[] out;
    int next;

    @Setup(Level.Trial)
    public void setup() {
        FloatMatrix train = BenchData.loadImdb();
        enc = (PlaneEncoder) Encoders.fit("itq", train, FitOptions.bits(256));
        dim = enc.dimension();
        bits = enc.bits();
        words = enc.words();
        planesRows = new float[dim][bits];
        offsets = new float[bits];
        for (int j = 0; j < bits; j++) {
            float[] w = enc.plane(j);
            for (int d = 0; d < dim; d++) {
                planesRows[d][j] = w[d];
            }
            offsets[j] = enc.offset(j);
        }
        p = new float[bits];
        data = train.data();
        rows = train.rows() / BATCH * BATCH;
        out = new long[BATCH * words];
        long[] a = new long[words];
        long[] b = new long[words];
        for (int i = 0; i < train.rows(); i++) {
            enc.encodeInto(data, i * dim, a, 0);
            encodeRows(data, i * dim, b, 0);
            if (!java.util.Arrays.equals(a, b)) {
                throw new IllegalStateException("prototype code differs from the library at row " + i);
            }
        }
    }

    int nextBase() {
        int base = next;
        next = (next + BATCH) % rows;
        return base;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] library() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            enc.encodeInto(data, (base + i) * dim, out, i * words);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long[] rowArrays() {
        int base = nextBase();
        for (int i = 0; i < BATCH; i++) {
            encodeRows(data, (base + i) * dim, out, i * words);
        }
        return out;
    }

    /** {@code PlaneEncoder.encodeInto} with the projection through {@code planesRows}. */
    void encodeRows(float[] vector, int offset, long[] o, int oo) {
        EncodeVariantsBench.multiplyRows(vector, offset, planesRows, bits, p);
        for (int j = 0; j < bits; j++) {
            p[j] -= offsets[j];
        }
        for (int w = 0; w < words; w++) {
            long word = 0;
            int base = w << 6;
            int end = Math.min(64, bits - base);
            for (int b = 0; b < end; b++) {
                if (p[base + b] > 0) {
                    word |= 1L << b;
                }
            }
            o[oo + w] = word;
        }
    }
}
