package org.bitsieve.bench.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.Npy;
import org.bitsieve.core.knn.KnnClassifier;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.TopK;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.Snapshot;
import org.bitsieve.store.WriteBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Store benchmarks, run from the command line (see docs/store.md):
 * <pre>
 *   java -Xmx6g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.store.StoreBench [--parts ingest,latency,growth,recall] [--kind witq]
 *        [--docs 1000000] [--queries 500] [--dir /tmp/bitsieve-storebench] [--shared /work/shared]
 *        [--recall-kinds pcaq,witq] [--recall-bits 256,384] [--recall-encoders a.bse,b.bse] [--growth-sizes 100000,1000000,10000000]
 * </pre>
 * ingest: 1M documents from IMDB vectors (repeated with small noise) through encoding and durable batched
 * writes; latency/throughput: top-10 over that collection, one query at a time on both cores, concurrent
 * queries, and batches of queries scanned together; growth: scan latency over 100k / 1M / 10M synthetic codes; recall: recall@10 against
 * exact float search on IMDB (train as the collection, test as queries) with and without re-ranking.
 */
public final class StoreBench {
    private final Path dir;
    private final Path shared;
    private final int docs;
    private final int queries;
    private final FloatMatrix train;
    private final FloatMatrix test;
    private final Encoder encoder;

    private StoreBench(Path dir, Path shared, int docs, int queries, String kind) throws IOException {
        this.dir = dir;
        this.shared = shared;
        this.docs = docs;
        this.queries = queries;
        Path emb = shared.resolve("embeddings/all-minilm-l6-v2/imdb");
        train = Npy.read(emb.resolve("train.npy"));
        test = Npy.read(emb.resolve("test.npy"));
        long t0 = System.nanoTime();
        encoder = Encoders.fit(kind, train, FitOptions.bits(256));
        System.out.printf(Locale.ROOT, "encoder: %s (fitted on IMDB train in %.1fs)%n", encoder.describe(), secs(t0));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path dir = Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir") + "/bitsieve-storebench"));
        Path shared = Path.of(a.getOrDefault("shared", System.getProperty("bitsieve.shared", "/work/shared")));
        List<String> parts = List.of(a.getOrDefault("parts", "ingest,latency,growth,recall").split(","));
        StoreBench b = new StoreBench(dir, shared, Integer.parseInt(a.getOrDefault("docs", "1000000")),
                Integer.parseInt(a.getOrDefault("queries", "500")), a.getOrDefault("kind", Encoders.DEFAULT));
        System.out.printf(Locale.ROOT, "cores: %d, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (parts.contains("ingest") || parts.contains("latency")) {
            b.ingestAndLatency(parts.contains("latency"));
        }
        if (parts.contains("growth")) {
            List<Integer> sizes = new ArrayList<>();
            for (String g : a.getOrDefault("growth-sizes", "100000,1000000,10000000").split(",")) {
                sizes.add(Integer.parseInt(g));
            }
            b.growth(sizes, a.getOrDefault("growth-codes", "random").equals("imdb"));
        }
        if (parts.contains("recall")) {
            for (String kind : a.getOrDefault("recall-kinds", "pcaq,witq").split(",")) {
                for (String bits : a.getOrDefault("recall-bits", "256,384").split(",")) {
                    b.recall(kind, Integer.parseInt(bits));
                }
            }
            // encoders from files, e.g. the general encoders shipped in bitsieve-embed (not fitted on IMDB)
            if (a.containsKey("recall-encoders")) {
                for (String f : a.get("recall-encoders").split(",")) {
                    Encoder e = org.bitsieve.core.io.EncoderFiles.load(Path.of(f));
                    b.recall(e, Path.of(f).getFileName().toString());
                }
            }
        }
    }

    static double secs(long t0) { return (System.nanoTime() - t0) / 1e9; }

    /** Ingests {@code docs} documents in batches of 10,000, timing the durable writes; then measures search. */
    void ingestAndLatency(boolean latency) throws IOException {
        Path c1 = dir.resolve("ingest-" + docs);
        if (Files.exists(c1.resolve("MANIFEST"))) {
            Collection.drop(c1);
        }
        Files.createDirectories(dir);
        int batch = 10_000;
        int dim = train.dim();
        Random rnd = new Random(1);
        long writeNanos = 0;
        long encodeNanos = 0;
        long t0 = System.nanoTime();
        try (Collection c = Collection.create(c1, encoder, CollectionOptions.defaults())) {
            for (int from = 0; from < docs; from += batch) {
                int n = Math.min(batch, docs - from);
                WriteBatch wb = new WriteBatch();
                float[] m = new float[n * dim];
                for (int i = 0; i < n; i++) {
                    int doc = from + i;
                    float[] v = train.row(doc % train.rows());
                    if (doc >= train.rows()) {
                        // repeated real vectors, nudged so the repeats get distinct codes
                        for (int j = 0; j < dim; j++) {
                            v[j] += (float) (0.02 * rnd.nextGaussian());
                        }
                    }
                    System.arraycopy(v, 0, m, i * dim, dim);
                    wb.add(new Doc("d" + doc, v, "doc " + doc, null));
                }
                if (from < 200_000) {
                    // the encoder's share, measured apart on the first 200k (the store encodes again inside write)
                    long e0 = System.nanoTime();
                    encoder.encodeAll(new FloatMatrix(m, n, dim));
                    encodeNanos += System.nanoTime() - e0;
                }
                long w0 = System.nanoTime();
                c.write(wb);
                writeNanos += System.nanoTime() - w0;
            }
            long f0 = System.nanoTime();
            c.flush();
            long flushNanos = System.nanoTime() - f0;
            double wall = secs(t0);
            System.out.printf(Locale.ROOT, "ingest: %,d docs, batches of %,d: %.0f docs/s in durable writes (encode + WAL fsync + "
                            + "segment flushes; %.1fs), final flush %.2fs, %.0f docs/s wall including generating the input%n",
                    docs, batch, docs / (writeNanos / 1e9), writeNanos / 1e9, flushNanos / 1e9, docs / wall);
            System.out.printf(Locale.ROOT, "ingest: encoder alone (encodeAll, same batches, first 200k): %.0f docs/s%n",
                    Math.min(docs, 200_000) / (encodeNanos / 1e9));
        }
        if (!latency) {
            return;
        }
        long o0 = System.nanoTime();
        try (Collection c = Collection.open(c1)) {
            System.out.printf(Locale.ROOT, "open (verify all checksums, load ids): %.2fs, %,d docs, %d segments%n", secs(o0), c.count(),
                    c.info().segments());
            Snapshot s = c.snapshot();
            for (SearchMode m : SearchMode.values()) {
                double[] lat = latencies(s, m, 2, queries);
                System.out.printf(Locale.ROOT, "latency %s, %,d docs, k=10, 2 threads: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n",
                        m, c.count(), lat[0], lat[1], lat[2]);
            }
            for (SearchMode m : SearchMode.values()) {
                System.out.printf(Locale.ROOT, "throughput %s, %,d docs, k=10, 2 query threads x 1 scan thread: %.0f queries/s%n",
                        m, c.count(), throughput(s, m, 2, queries * 2));
                for (int qb : new int[] {8, 32}) {
                    System.out.printf(Locale.ROOT, "throughput %s, %,d docs, k=10, batches of %d queries, 2 scan threads: %.0f queries/s%n",
                            m, c.count(), qb, batched(s, m, qb, queries * 2));
                }
            }
        }
    }

    /** p50, p90, p99 in ms of one query at a time, after a warm-up. */
    double[] latencies(Snapshot s, SearchMode mode, int threads, int n) {
        for (int i = 0; i < Math.min(200, n); i++) {
            s.search(SearchRequest.of(test.row(i % test.rows()), 10).mode(mode).threads(threads));
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            float[] q = test.row((i * 7 + 1) % test.rows());
            long t0 = System.nanoTime();
            s.search(SearchRequest.of(q, 10).mode(mode).threads(threads));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[n / 2], ms[(int) (n * 0.9)], ms[Math.min(n - 1, (int) (n * 0.99))]};
    }

    /** Queries per second with {@code clients} queries in flight, each scanned by one thread. */
    double throughput(Snapshot s, SearchMode mode, int clients, int n) {
        ExecutorService ex = Executors.newFixedThreadPool(clients);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                fs.add(ex.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        s.search(SearchRequest.of(test.row(i % test.rows()), 10).mode(mode).threads(1));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return n / secs(t0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            ex.shutdown();
        }
    }

    /** Queries per second when queries arrive in batches scanned together ({@link Snapshot#searchBatch}). */
    double batched(Snapshot s, SearchMode mode, int batch, int n) {
        List<SearchRequest> warm = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            warm.add(SearchRequest.of(test.row(i), 10).mode(mode).threads(2));
        }
        s.searchBatch(warm);
        long t0 = System.nanoTime();
        int done = 0;
        while (done < n) {
            List<SearchRequest> reqs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                reqs.add(SearchRequest.of(test.row((done + i) % test.rows()), 10).mode(mode).threads(2));
            }
            s.searchBatch(reqs);
            done += batch;
        }
        return done / secs(t0);
    }

    /** Scan latency over synthetic random codes (the scan does not care what the bits mean). */
    void growth(List<Integer> sizes, boolean imdb) {
        int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        long[] codes = new long[max * 4];
        if (imdb) {
            // the ingest part's documents: IMDB train vectors, repeats nudged by noise, encoded
            Random rnd = new Random(1);
            int dim = train.dim();
            for (int from = 0; from < max; from += 10_000) {
                int n = Math.min(10_000, max - from);
                float[] m = new float[n * dim];
                for (int i = 0; i < n; i++) {
                    float[] v = train.row((from + i) % train.rows());
                    if (from + i >= train.rows()) {
                        for (int j = 0; j < dim; j++) {
                            v[j] += (float) (0.02 * rnd.nextGaussian());
                        }
                    }
                    System.arraycopy(v, 0, m, i * dim, dim);
                }
                System.arraycopy(encoder.encodeAll(new FloatMatrix(m, n, dim)).data(), 0, codes, from * 4, n * 4);
            }
        } else {
            java.util.SplittableRandom r = new java.util.SplittableRandom(7);
            for (int i = 0; i < codes.length; i++) {
                codes[i] = r.nextLong();
            }
        }
        for (int n : sizes) {
            Snapshot s = Snapshot.ofCodes(encoder, codes, n, 2);
            int q = n >= 10_000_000 ? Math.max(30, queries / 10) : queries;
            for (SearchMode m : SearchMode.values()) {
                double[] lat = latencies(s, m, 2, q);
                System.out.printf(Locale.ROOT, "growth %s %,d " + (imdb ? "IMDB" : "random") + " codes, 2 threads: p50 %.2f ms, p90 %.2f ms (%.2f ns/code/thread)%n", m, n,
                        lat[0], lat[1], lat[0] * 1e6 * 2 / n);
            }
            if (n <= 1_000_000) {
                referenceVersusStore(s, new PackedCodes(Arrays.copyOf(codes, n * 4), n, 256), q);
            }
        }
    }

    /**
     * The same queries over the same codes, alternating, in one run: the store's asymmetric search (quantised
     * table with early exit) against the core's plain float loop ({@code AsymmetricSearch.scanReference}) split
     * over the same 2 threads. Both return the same top 10 (checked here too).
     */
    void referenceVersusStore(Snapshot s, PackedCodes codes, int n) {
        float[] inv = encoder.inverseNorms(codes);
        int rows = codes.count();
        java.util.concurrent.ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            double[] store = new double[n];
            double[] ref = new double[n];
            for (int i = -Math.min(100, n); i < n; i++) {
                float[] q = test.row(Math.floorMod(i * 7 + 1, test.rows()));
                long t0 = System.nanoTime();
                List<Hit> hits = s.search(SearchRequest.of(q, 10).threads(2));
                long t1 = System.nanoTime();
                org.bitsieve.core.encode.QueryScorer sc = encoder.scorer(q);
                Future<FloatHeap> half = pool.submit(() -> AsymmetricSearch.scanReference(codes, inv, sc, 10, rows / 2, rows));
                FloatHeap h = AsymmetricSearch.scanReference(codes, inv, sc, 10, 0, rows / 2);
                try {
                    h.addAll(half.get());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                TopK top = h.toTopK();
                long t2 = System.nanoTime();
                for (int j = 0; j < hits.size(); j++) {
                    if (!hits.get(j).id().equals("s" + top.ids()[j]) || hits.get(j).score() != top.scores()[j]) {
                        throw new IllegalStateException("store search and the reference loop differ at rank " + j);
                    }
                }
                if (i >= 0) {
                    store[i] = (t1 - t0) / 1e6;
                    ref[i] = (t2 - t1) / 1e6;
                }
            }
            Arrays.sort(store);
            Arrays.sort(ref);
            System.out.printf(Locale.ROOT, "growth ASYMMETRIC %,d codes, 2 threads, alternating: store p50 %.2f ms, float reference loop p50 %.2f ms"
                    + " (%.2fx)%n", rows, store[n / 2], ref[n / 2], ref[n / 2] / store[n / 2]);
        } finally {
            pool.shutdown();
        }
    }

    /** recall@10 with an encoder of {@code kind} fitted on IMDB train. */
    void recall(String kind, int bits) throws IOException {
        Encoder enc = bits == encoder.bits() && kind.equals(encoder.kind()) ? encoder : Encoders.fit(kind, train, FitOptions.bits(bits));
        recall(enc, kind + " fitted on IMDB train");
    }

    /** recall@10 against exact float search on IMDB: train is the collection, test rows the queries. */
    void recall(Encoder enc, String label) throws IOException {
        int bits = enc.bits();
        System.out.printf(Locale.ROOT, "recall: encoder %s (%s)%n", enc.describe(), label);
        int nq = Math.min(queries * 2, test.rows());
        FloatMatrix qs = test.slice(0, nq);
        long t0 = System.nanoTime();
        TopK[] ref = FloatSearch.topK(train, qs, 10);
        System.out.printf(Locale.ROOT, "recall: exact float top-10 for %d queries in %.1fs%n", nq, secs(t0));
        for (FloatFormat ff : List.of(FloatFormat.F16, FloatFormat.F32)) {
            Path c1 = dir.resolve("recall-" + enc.kind() + "-" + bits + "-" + ff.name().toLowerCase(Locale.ROOT));
            if (Files.exists(c1.resolve("MANIFEST"))) {
                Collection.drop(c1);
            }
            try (Collection c = Collection.create(c1, enc, CollectionOptions.defaults().withFloats(ff).withAutoRefitDocs(0))) {
                List<Doc> all = new ArrayList<>();
                for (int i = 0; i < train.rows(); i++) {
                    all.add(new Doc(String.valueOf(i), train.row(i), "", null));
                }
                c.add(all);
                c.flush();
                for (SearchMode m : SearchMode.values()) {
                    for (int over : ff == FloatFormat.F16 ? new int[] {1, 4, 10, 20} : new int[] {10}) {
                        if (m == SearchMode.HAMMING && over == 4) {
                            continue;
                        }
                        TopK[] got = new TopK[nq];
                        long s0 = System.nanoTime();
                        for (int i = 0; i < nq; i++) {
                            List<Hit> h = c.search(SearchRequest.of(qs.row(i), 10).mode(m).oversample(over));
                            got[i] = new TopK(h.stream().mapToInt(x -> Integer.parseInt(x.id())).toArray(), new float[h.size()]);
                        }
                        double per = secs(s0) * 1000 / nq;
                        System.out.printf(Locale.ROOT, "recall@10 %s %d bits %s oversample %d (floats %s), %d queries over %,d docs: %.4f (%.2f ms/query)%n",
                                enc.kind(), bits, m, over, ff.name().toLowerCase(Locale.ROOT), nq, train.rows(), KnnClassifier.recallAt(got, ref, 10), per);
                    }
                }
            }
        }
    }
}
