package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.QuantizedLut;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * The asymmetric scan loops of {@link AsymmetricVariantsBench}, timed <em>alternating query by query</em> in one
 * JVM, so that the load of a shared machine hits every variant alike and their ratios hold even when absolute
 * numbers drift (JMH runs each benchmark in its own fork, minutes apart). Same data as {@link AsymmetricBench}:
 * encoder fitted on IMDB train, 1,000,000 perturbed copies encoded; one thread, top 10. Queries are 32 held-out
 * IMDB <em>test</em> vectors (the JMH benchmarks query train vectors, whose 40 near-copies in the database make
 * the top-10 threshold unrealistically high for a scan that prunes by it). Every variant's top 10 is checked
 * against the reference loop's, ids and scores.
 *
 * <pre>java -Xmx4g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.AsymmetricCompare [kind=pcaq | FILE.bse] [rounds=64]</pre>
 */
public final class AsymmetricCompare {
    public static void main(String[] args) {
        String kind = args.length > 0 ? args[0] : "pcaq";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int n = AsymmetricBench.N;
        FloatMatrix train = BenchData.loadImdb();
        FloatMatrix test;
        try {
            test = org.bitsieve.core.io.Npy.read(BenchData.imdbTrain().resolveSibling("test.npy"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Encoder enc;
        try {
            // an encoder kind fitted on IMDB train, or an encoder file (a shipped general encoder)
            enc = kind.endsWith(".bse") ? EncoderFiles.load(Path.of(kind)) : Encoders.fit(kind, train, FitOptions.bits(256));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        PackedCodes db = enc.encodeAll(BenchData.perturbed(train, n, 0.02f, 99L));
        float[] inv = enc.inverseNorms(db);
        long[] a = db.data();
        QueryScorer[] queries = new QueryScorer[AsymmetricBench.QUERIES];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = enc.scorer(test.row(i * 701));
        }
        String[] names = {"reference (float, one code at a time)", "fourRowsFloat (float, 4 codes at a time)",
                "quantizedFourRows (16-bit table, 4 codes, no early exit)", "byteTable (16-bit table, 4 codes, exit after 2 and 3 words)",
                "library (bit-plane bound when the table is linear, else byteTable)"};
        @SuppressWarnings("unchecked")
        Function<QueryScorer, FloatHeap>[] variants = new Function[] {
            (Function<QueryScorer, FloatHeap>) s -> AsymmetricSearch.scanReference(db, inv, s, 10, 0, n),
            (Function<QueryScorer, FloatHeap>) s -> AsymmetricVariantsBench.fourRowsFloat(a, inv, s.table(), 10, 0, n),
            (Function<QueryScorer, FloatHeap>) s -> {
                FloatHeap h = new FloatHeap(10);
                QuantizedLut.of(s).scanFourRows(a, 0, n, inv, h, 0, null);
                return h;
            },
            (Function<QueryScorer, FloatHeap>) s -> {
                FloatHeap h = new FloatHeap(10);
                QuantizedLut.of(s).scanByteTable(a, 4, 0, n, inv, h, 0, null);
                return h;
            },
            (Function<QueryScorer, FloatHeap>) s -> AsymmetricSearch.scan(db, inv, s, 10, 0, n),
        };
        double[][] ms = new double[variants.length][rounds];
        for (int r = -8; r < rounds; r++) {
            QueryScorer s = queries[Math.floorMod(r, queries.length)];
            float[] want = null;
            int[] wantIds = null;
            for (int v = 0; v < variants.length; v++) {
                long t0 = System.nanoTime();
                FloatHeap h = variants[v].apply(s);
                double t = (System.nanoTime() - t0) / 1e6;
                if (r >= 0) {
                    ms[v][r] = t;
                }
                if (v == 0) {
                    want = h.toTopK().scores();
                    wantIds = h.toTopK().ids();
                } else if (!Arrays.equals(want, h.toTopK().scores()) || !Arrays.equals(wantIds, h.toTopK().ids())) {
                    throw new IllegalStateException(names[v] + " differs from the reference loop");
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s %d bits, %,d codes, one thread, top 10, %d queries alternating (median per query):%n", kind, enc.bits(), n, rounds);
        double ref = 0;
        for (int v = 0; v < variants.length; v++) {
            Arrays.sort(ms[v]);
            double med = ms[v][rounds / 2];
            if (v == 0) {
                ref = med;
            }
            System.out.printf(Locale.ROOT, "  %-58s %7.2f ms  %6.1f M codes/s  %.2fx the reference%n", names[v], med, n / med / 1e3, ref / med);
        }
    }
}
