package org.bitsieve.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.BulkResult;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchRequest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scale benchmark (docs/scaling.md, "Scale benchmark"); run it through tools/bench-scale.sh:
 * <pre>
 *   java -Xmx6g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.scale.ScaleBench
 *        [--parts similarity,ingest,scale,build,search,report] [--ingest-docs 500000] [--sizes 1000000,10000000] [--data /work/scale-data] [--out results/scale]
 *        [--shared /work/shared] [--seed 42] [--sigma 0.1] [--queries 500] [--batch 1000000]
 *        [--floats-up-to 10000000] [--keep false] [--cells auto|0|N] [--nprobe 8,16,32,64,128,256] [--faiss-nprobe 1,2,4,...]
 * </pre>
 * {@code --parts build,search} (or {@code scale}, both in one JVM) per size: it generates that many documents with {@link MixGenerator}, computes the exact float top-10 of 500
 * held-out queries ({@link ExactTopK}), bulk-loads a collection (shipped general all-MiniLM encoder, 256 bits;
 * f16 floats kept up to --floats-up-to documents, codes only above), reopens it, and measures recall@10, latency,
 * 2-thread QPS, ingest, open time, heap, RSS and disk bytes per document. {@code --parts faiss} (after build or search)
 * adds FAISS IndexBinaryIVF on the same codes ({@link FaissIvfAnchor}). Results: scale.json and index.html in --out.
 */
public final class ScaleBench {
    static final int K = 10;
    private final Map<String, String> a;
    private final Path data;
    private final Path out;
    private final MixGenerator gen;
    private final Encoder encoder;
    private final FloatMatrix queries;
    private final Map<String, Object> results;

    private ScaleBench(Map<String, String> a) throws IOException {
        this.a = a;
        data = Path.of(a.getOrDefault("data", "/work/scale-data"));
        out = Path.of(a.getOrDefault("out", "results/scale"));
        Path shared = Path.of(a.getOrDefault("shared", System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared")));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        float sigma = Float.parseFloat(a.getOrDefault("sigma", "0.1"));
        gen = new MixGenerator(shared.resolve("embeddings/all-minilm-l6-v2"), seed, sigma);
        encoder = GeneralEncoders.load(Models.DEFAULT, 256);
        queries = gen.queries(Integer.parseInt(a.getOrDefault("queries", "500")));
        Path json = out.resolve("scale.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> old = Files.exists(json) ? new ObjectMapper().readValue(json.toFile(), LinkedHashMap.class) : null;
        results = old != null ? old : new LinkedHashMap<>();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("generator", "MixGenerator: 2-3 pool vectors, first weight U[" + MixGenerator.W_MIN + "," + MixGenerator.W_MAX
                + "], noise norm " + sigma + ", renormalised");
        setup.put("pool", gen.poolRows);
        setup.put("seed", seed);
        setup.put("sigma", sigma);
        setup.put("queries", queries.rows());
        setup.put("encoder", encoder.describe());
        setup.put("machine", Runtime.getRuntime().availableProcessors() + " cores, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        results.put("setup", setup);
        System.out.println("pool: " + gen.poolRows + " real vectors; encoder " + encoder.describe());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ScaleBench b = new ScaleBench(a);
        List<String> parts = List.of(a.getOrDefault("parts", "similarity,scale").split(","));
        if (parts.contains("report")) { // re-render index.html from scale.json
            b.save();
        }
        if (parts.contains("ingest")) {
            b.results.put("ingest", IngestCost.run(b.gen, b.encoder, b.data, Integer.parseInt(a.getOrDefault("ingest-docs", "500000")),
                    Integer.parseInt(a.getOrDefault("batch", "1000000")), Integer.parseInt(a.getOrDefault("ingest-cells", "0"))));
            b.save();
        }
        if (parts.contains("similarity")) {
            b.results.put("similarity", Similarity.run(b.gen, b.encoder, b.data, Integer.parseInt(a.getOrDefault("sample", "50000")), b.queries.rows()));
            b.save();
        }
        // "scale" = build then search in this JVM; "build" keeps the collection and "search" opens it in a fresh
        // JVM, so open time, heap and RSS are not those of a process that just ingested (the way to run 100M)
        boolean build = parts.contains("scale") || parts.contains("build");
        boolean search = parts.contains("scale") || parts.contains("search");
        for (String s : a.getOrDefault("sizes", "1000000,10000000").split(",")) {
            long n = Long.parseLong(s.replace("_", ""));
            if (build) {
                b.build(n);
                b.save();
            }
            if (search) {
                b.search(n);
                b.save();
            }
            if (parts.contains("faiss")) {
                b.faiss(n);
                b.save();
            }
        }
    }

    private void save() throws IOException {
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("scale.json").toFile(), results);
        Files.writeString(out.resolve("index.html"), ScaleReport.html(results));
        System.out.println("wrote " + out.resolve("scale.json") + " and " + out.resolve("index.html"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sizeResult(long n) {
        Map<String, Object> sizes = (Map<String, Object>) results.computeIfAbsent("sizes", k -> new LinkedHashMap<>());
        return (Map<String, Object>) sizes.computeIfAbsent(Long.toString(n), k -> new LinkedHashMap<>());
    }

    /** Exact float top 10, the coarse quantiser, the bulk load and disk bytes; the collection is kept for {@link #search}. */
    private void build(long n) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %,d documents: build ==%n", n);
        Map<String, Object> r = sizeResult(n);
        r.clear();
        r.put("docs", n);
        r.put("load_average_at_start", loadAverage());
        ExactTopK.Result exact = ExactTopK.compute(gen, queries, n, K, data);
        r.put("exact_float_seconds", exact.seconds());
        long floatsUpTo = Long.parseLong(a.getOrDefault("floats-up-to", "10000000"));
        FloatFormat floats = n <= floatsUpTo ? FloatFormat.F16 : FloatFormat.NONE;
        r.put("floats", floats.name().toLowerCase(Locale.ROOT));
        int cells = cellsFor(n);
        org.bitsieve.core.coarse.CoarseQuantizer cq = null;
        if (cells > 0) {
            int sample = (int) Math.min(n, 40L * cells);
            float[] fit = new float[sample * MixGenerator.DIM];
            gen.docs(0, sample, fit);
            long f0 = System.nanoTime();
            cq = org.bitsieve.core.coarse.CoarseQuantizer.fit(new FloatMatrix(fit, sample, MixGenerator.DIM), cells, 64, 8, 5, (d, t) -> { });
            r.put("cells", cells);
            r.put("coarse_fit_sample", sample);
            r.put("coarse_fit_seconds", (System.nanoTime() - f0) / 1e9);
            System.out.printf(Locale.ROOT, "coarse quantiser: %d cells (64-d projection, 8 k-means iterations) fitted on %,d generated docs in %.0fs%n",
                    cells, sample, (System.nanoTime() - f0) / 1e9);
        }
        Path dir = data.resolve("coll-" + n);
        if (Collection.exists(dir)) {
            Collection.drop(dir);
        }
        int batch = Integer.parseInt(a.getOrDefault("batch", "1000000"));
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        long[] sourceCpu = {0};
        BulkResult br;
        CollectionOptions opts = CollectionOptions.defaults().withFloats(floats);
        if (cq != null) {
            opts = opts.withCoarse(cq);
        }
        try (Collection c = Collection.create(dir, encoder, opts)) {
            long[] next = {0};
            // two buffers in turn: the load still writes batch k (its floats) while it asks for batch k+1
            float[][] bufs = {new float[batch * MixGenerator.DIM], new float[batch * MixGenerator.DIM]};
            int[] turn = {0};
            br = c.bulkLoad(() -> {
                if (next[0] >= n) {
                    return null;
                }
                long c0 = cpuNanos();
                int m = (int) Math.min(batch, n - next[0]);
                float[] v = m == batch ? bufs[turn[0]++ & 1] : new float[m * MixGenerator.DIM];
                gen.docs(next[0], m, v);
                String[] ids = new String[m];
                for (int i = 0; i < m; i++) {
                    ids[i] = Long.toString(next[0] + i);
                }
                next[0] += m;
                sourceCpu[0] += cpuNanos() - c0; // generation is not ingest: its CPU time is taken out below
                return new BulkBatch(ids, v, null, null);
            }, done -> System.out.printf(Locale.ROOT, "  bulk: %,d docs, %.0fs%n", done, (System.nanoTime() - t0) / 1e9));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double storeCpu = (cpuNanos() - cpu0 - sourceCpu[0]) / 1e9;
        r.put("ingest_docs_per_s", n / br.storeSeconds());
        if (br.calibration() != null) { // measured by the load itself on 200 loaded documents (its time is in the ingest figures)
            r.put("calibration", br.calibration());
            System.out.println("  " + br.calibration().describe());
        }
        // on a shared machine wall time says more about the neighbours than about us; CPU time per document
        // does not, and docs per CPU-second x cores is what an otherwise idle machine could reach at most
        r.put("ingest_store_cpu_seconds", storeCpu);
        r.put("ingest_docs_per_cpu_second", n / storeCpu);
        r.put("load_average_during_ingest", loadAverage());
        r.put("ingest_wall_docs_per_s_incl_generation", n / wall);
        long bytes;
        try (var w = Files.walk(dir)) {
            bytes = w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        r.put("disk_bytes_per_doc", (double) bytes / n);
        System.out.printf(Locale.ROOT, "ingest %,.0f docs/s in the store (%,.0f docs/s wall with generation; %,.0f docs per CPU-second of the store;"
                + " load %.1f), %.1f bytes/doc on disk%n", n / br.storeSeconds(), n / wall, n / storeCpu, loadAverage(), (double) bytes / n);
    }

    /** Opens the built collection and measures every search setting; drops it afterwards unless --keep true. */
    private void search(long n) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %,d documents: search ==%n", n);
        Map<String, Object> r = sizeResult(n);
        Path dir = data.resolve("coll-" + n);
        if (!Collection.exists(dir) || !r.containsKey("floats")) {
            throw new IllegalStateException(dir + " is not built (or scale.json has no build of " + n + "): run --parts build first");
        }
        ExactTopK.Result exact = ExactTopK.compute(gen, queries, n, K, data);
        FloatFormat floats = FloatFormat.valueOf(((String) r.get("floats")).toUpperCase(Locale.ROOT));
        int cells = r.containsKey("cells") ? ((Number) r.get("cells")).intValue() : 0;
        r.put("load_average_at_search", loadAverage());
        System.gc();
        r.put("rss_mb_before_open", rssMb());
        long o0 = System.nanoTime();
        try (Collection c = Collection.open(dir)) {
            r.put("open_seconds", (System.nanoTime() - o0) / 1e9);
            System.gc();
            r.put("heap_mb", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
            r.put("rss_mb", rssMb());
            System.out.printf(Locale.ROOT, "open %.1fs, heap %.0f MB, RSS %.0f MB%n", r.get("open_seconds"), r.get("heap_mb"), r.get("rss_mb"));
            if (cells > 0 && c.nprobeCalibration() == null) {
                // built before loads measured their default nprobe: measure it as a load does, on 200 of its documents
                int m = org.bitsieve.store.NprobeCalibration.DEFAULT_QUERIES;
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
                float[] v = new float[m * MixGenerator.DIM];
                float[] one = new float[MixGenerator.DIM];
                String[] ids = new String[m];
                for (int i = 0; i < m; i++) {
                    long row = rnd.nextLong(n);
                    gen.docs(row, 1, one);
                    System.arraycopy(one, 0, v, i * MixGenerator.DIM, MixGenerator.DIM);
                    ids[i] = Long.toString(row);
                }
                long c0 = System.nanoTime();
                var cal = c.calibrateNprobe(new FloatMatrix(v, m, MixGenerator.DIM), ids, org.bitsieve.store.NprobeCalibration.DEFAULT_TARGET);
                r.put("calibration", cal);
                r.put("calibration_seconds", (System.nanoTime() - c0) / 1e9);
                System.out.printf(Locale.ROOT, "  %s (%.0fs)%n", cal.describe(), (System.nanoTime() - c0) / 1e9);
            }
            List<Map<String, Object>> modes = new ArrayList<>();
            List<Integer> overs = floats != FloatFormat.NONE ? List.of(1, 10) : List.of(1);
            for (int over : overs) {
                String name = over == 1 ? "codes only (asymmetric, no re-rank)" : "asymmetric + f16 re-rank of top 100";
                long[][] exactCodes = new long[queries.rows()][];
                modes.add(measure(c, exact, over, 0, name, exactCodes));
                if (cells > 0) {
                    r.put("default_nprobe", c.defaultNprobe());
                    for (String np : a.getOrDefault("nprobe", "default,8,16,32,64,128,256").split(",")) {
                        boolean dflt = np.trim().equals("default");
                        int nprobe = dflt ? c.defaultNprobe() : Integer.parseInt(np.trim());
                        if (nprobe > 0 && nprobe <= cells) {
                            Map<String, Object> m = measure(c, exact, over, nprobe, name, exactCodes);
                            m.put("default_nprobe", dflt);
                            modes.add(m);
                        }
                    }
                }
            }
            r.put("modes", modes);
            r.put("rss_mb_after_queries", rssMb());
        }
        if (!Boolean.parseBoolean(a.getOrDefault("keep", "false"))) {
            Collection.drop(dir);
        }
    }

    /** FAISS IndexBinaryIVF over the same codes at the same cells ({@link FaissIvfAnchor}); after build (which clears the size). */
    private void faiss(long n) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %,d documents: FAISS IndexBinaryIVF anchor ==%n", n);
        int cells = cellsFor(n);
        if (cells == 0) {
            throw new IllegalArgumentException("--parts faiss needs cells (--cells auto or N)");
        }
        ExactTopK.Result exact = ExactTopK.compute(gen, queries, n, K, data);
        String nprobes = a.getOrDefault("faiss-nprobe", "1,2,4,8,16,32,64,128,256");
        Map<String, Object> f = FaissIvfAnchor.run(gen, encoder, queries, exact, n, cells, nprobes, data);
        f.put("load_average", loadAverage());
        sizeResult(n).put("faiss_ivf", f);
    }

    /**
     * Latency, recall and 2-thread QPS of one search setting. With nprobe 0 (the exact scan of the codes) it fills
     * {@code exactCodes} with each query's ids; with nprobe > 0 it reports recall against those.
     */
    private Map<String, Object> measure(Collection c, ExactTopK.Result exact, int oversample, int nprobe, String name, long[][] exactCodes)
            throws Exception {
        int nq = queries.rows();
        for (int q = 0; q < Math.min(50, nq); q++) { // warm-up
            c.search(req(q, oversample, 0, nprobe));
        }
        double[] lat = new double[nq];
        double recall = 0;
        double recallCodes = 0;
        for (int q = 0; q < nq; q++) {
            long t = System.nanoTime();
            List<Hit> hits = c.search(req(q, oversample, 0, nprobe));
            lat[q] = (System.nanoTime() - t) / 1e6;
            recall += recall(hits, exact, q);
            long[] ids = hits.stream().mapToLong(h -> Long.parseLong(h.id())).toArray();
            if (nprobe == 0) {
                exactCodes[q] = ids;
                recallCodes += 1;
            } else {
                java.util.Set<Long> truth = new java.util.HashSet<>();
                for (long id : exactCodes[q]) {
                    truth.add(id);
                }
                recallCodes += Arrays.stream(ids).filter(truth::contains).count() / (double) Math.max(1, exactCodes[q].length);
            }
        }
        recall /= nq;
        recallCodes /= nq;
        // throughput: two client threads, one scan thread each, every query once
        AtomicInteger next = new AtomicInteger();
        Thread[] th = new Thread[2];
        long t0 = System.nanoTime();
        for (int i = 0; i < th.length; i++) {
            th[i] = new Thread(() -> {
                for (int q; (q = next.getAndIncrement()) < nq; ) {
                    c.search(req(q, oversample, 1, nprobe));
                }
            });
            th[i].start();
        }
        for (Thread t : th) {
            t.join();
        }
        double qps = nq / ((System.nanoTime() - t0) / 1e9);
        double[] s = lat.clone();
        Arrays.sort(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", name);
        m.put("oversample", oversample);
        m.put("nprobe", nprobe);
        m.put("recall_at_10_vs_exact_float", recall);
        // against the exact scan of the same codes with the same re-ranking (nprobe 0: 1 by definition)
        m.put("recall_at_10_vs_exact_codes", recallCodes);
        m.put("p50_ms", s[nq / 2]);
        m.put("p99_ms", s[Math.min(nq - 1, (int) Math.ceil(nq * 0.99) - 1)]);
        m.put("qps_2_threads", qps);
        System.out.printf(Locale.ROOT, "  %-40s nprobe %3d  recall@10 %.4f (vs exact codes %.4f)  p50 %.2f ms  p99 %.2f ms  QPS(2 threads) %.1f%n", name, nprobe, recall, recallCodes, m.get("p50_ms"), m.get("p99_ms"), qps);
        return m;
    }

    private SearchRequest req(int q, int oversample, int threads, int nprobe) {
        return SearchRequest.of(queries.row(q), K).oversample(oversample).threads(threads).nprobe(nprobe);
    }

    /** --cells: 0 = unpartitioned; "auto" (default) = the power of two nearest sqrt(n) (1M: 1024, 10M: 4096, 100M: 8192). */
    private int cellsFor(long n) {
        String v = a.getOrDefault("cells", "auto");
        if (!v.equals("auto")) {
            return Integer.parseInt(v);
        }
        return Integer.highestOneBit((int) Math.round(Math.sqrt(n) * Math.sqrt(2)));
    }

    static double recall(List<Hit> hits, ExactTopK.Result exact, int q) {
        java.util.Set<Long> truth = new java.util.HashSet<>();
        for (int r = 0; r < exact.k(); r++) {
            truth.add(exact.id(q, r));
        }
        int found = 0;
        for (Hit h : hits) {
            if (truth.contains(Long.parseLong(h.id()))) {
                found++;
            }
        }
        return found / (double) exact.k();
    }

    static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
                }
            }
        } catch (IOException ignored) {
            // not Linux: reported as -1
        }
        return -1;
    }

    /** CPU time of the whole process (all threads), nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double loadAverage() { return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); }
}
