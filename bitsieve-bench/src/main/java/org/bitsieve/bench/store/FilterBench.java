package org.bitsieve.bench.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.filter.MetaFilter;
import org.bitsieve.store.filter.MetaFilterText;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Filtered search latency (issue 23's target: 1M documents, a filter keeping 1%, p50 &lt;= 10 ms on 2 cores,
 * results equal to filtering an exact search); formerly tools/experiments/StoreFilter.java.
 * <pre>
 *   java -Xmx6g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.store.FilterBench [--docs 1000000]
 *        [--dim 64] [--kind pcaq] [--bits 64] [--queries 60] [--mode asymmetric|hamming] [--dir /tmp]
 * </pre>
 * N random documents (metadata {"tenant": i % 100, "kind": "k" + i % 7}), codes only, top 10. Each query runs
 * every variant in turn (round robin, so load changes on the shared machine hit all alike): no filter;
 * {@code tenant == 42} (1%) and {@code kind == 'k3'} (14%), each through the filter bitsets and through the
 * per-candidate filter ({@code -Dbitsieve.store.filterBits=false}, the code before the bitsets). p50 / p90 over
 * the queries after the first 10. The first queries of each filter build its field columns and bitsets, once.
 * Before timing, checks that filtered results equal the first 10 matching hits of an unfiltered top 20,000
 * (ids and scores). Random vectors: a scan-cost measurement, not a recall one.
 */
public final class FilterBench {
    private static final String BITS_PROPERTY = "bitsieve.store.filterBits";

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("docs", "1000000", "dim", "64", "kind", "pcaq", "bits", "64",
                "queries", "60", "mode", "asymmetric", "dir", System.getProperty("java.io.tmpdir")));
        for (int i = 0; i < args.length; i += 2) {
            String k = args[i].replaceFirst("^--", "");
            if (!o.containsKey(k) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (options: " + o.keySet() + ")");
            }
            o.put(k, args[i + 1]);
        }
        int n = Integer.parseInt(o.get("docs"));
        int dim = Integer.parseInt(o.get("dim"));
        int nq = Integer.parseInt(o.get("queries"));
        SearchMode mode = SearchMode.valueOf(o.get("mode").toUpperCase(Locale.ROOT));
        Random r = new Random(1);
        float[] train = new float[4000 * dim];
        for (int i = 0; i < train.length; i++) {
            train[i] = (float) r.nextGaussian();
        }
        Encoder enc = Encoders.fit(o.get("kind"), new FloatMatrix(train, 4000, dim), FitOptions.bits(Integer.parseInt(o.get("bits"))));
        Path dir = Files.createTempDirectory(Path.of(o.get("dir")), "filterbench").resolve("c");
        long t0 = System.nanoTime();
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 262_144))) {
            List<Doc> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new Doc("d" + i, gaussian(r, dim), null, "{\"tenant\":" + (i % 100) + ",\"kind\":\"k" + (i % 7) + "\"}"));
                if (batch.size() == 100_000) {
                    c.add(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                c.add(batch);
            }
            c.flush();
            System.out.printf("ingest %,d docs (%s %d bits, %d-d): %.1f s; %s, k = 10, %d threads%n", n, o.get("kind"), enc.bits(), dim,
                    (System.nanoTime() - t0) / 1e9, mode.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors());
            String[] filters = {"tenant == 42", "kind == 'k3'"};
            for (String text : filters) {
                MetaFilter f = MetaFilterText.parse(text);
                for (int q = 0; q < 3; q++) {
                    check(c, SearchRequest.of(gaussian(r, dim), 10).mode(mode), f, text);
                }
            }
            System.out.println("filtered results equal the first 10 matches of an unfiltered top 20,000 (3 queries per filter, both paths)");
            List<String> labels = new ArrayList<>(List.of("no filter"));
            for (String text : filters) {
                labels.add(text + ", bitsets");
                labels.add(text + ", per candidate");
            }
            long[][] ts = new long[labels.size()][nq];
            for (int q = 0; q < nq; q++) {
                SearchRequest req = SearchRequest.of(gaussian(r, dim), 10).mode(mode);
                for (int v = 0; v < labels.size(); v++) {
                    String l = labels.get(v);
                    SearchRequest rq = v == 0 ? req : req.where(MetaFilterText.parse(l.substring(0, l.indexOf(','))));
                    setBits(!l.endsWith("per candidate"));
                    long s = System.nanoTime();
                    List<Hit> h = c.search(rq);
                    ts[v][q] = System.nanoTime() - s;
                    if (h.size() != 10) {
                        throw new AssertionError(l + ": " + h.size() + " hits");
                    }
                }
            }
            setBits(true);
            System.out.printf("%-34s %9s %9s%n", "variant", "p50 ms", "p90 ms");
            for (int v = 0; v < labels.size(); v++) {
                long[] w = Arrays.copyOfRange(ts[v], Math.min(10, nq - 1), nq);
                Arrays.sort(w);
                System.out.printf("%-34s %9.2f %9.2f%n", labels.get(v), w[w.length / 2] / 1e6, w[(int) (w.length * 0.9)] / 1e6);
            }
            System.out.printf("(%d queries per variant after 10 warm-up, round robin)%n", Math.max(1, nq - 10));
        }
    }

    /** Filtered top 10, through both paths, equals the first 10 matching hits of an unfiltered top 20,000. */
    private static void check(Collection c, SearchRequest req, MetaFilter f, String text) throws Exception {
        List<String> expected = new ArrayList<>();
        for (Hit h : c.search(req.k(20_000))) {
            if (f.testJson(h.metadataJson()) && expected.size() < 10) {
                expected.add(h.id() + "@" + h.score());
            }
        }
        if (expected.size() < 10) {
            throw new AssertionError(text + ": fewer than 10 matches in the top 20,000; the check needs a larger k");
        }
        for (boolean bits : new boolean[]{true, false}) {
            setBits(bits);
            List<String> got = c.search(req.where(f)).stream().map(h -> h.id() + "@" + h.score()).toList();
            if (!got.equals(expected)) {
                throw new AssertionError(text + (bits ? " (bitsets)" : " (per candidate)") + ": " + got + " != " + expected);
            }
        }
        setBits(true);
    }

    private static void setBits(boolean on) {
        System.setProperty(BITS_PROPERTY, Boolean.toString(on));
    }

    private static float[] gaussian(Random r, int dim) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return v;
    }
}
