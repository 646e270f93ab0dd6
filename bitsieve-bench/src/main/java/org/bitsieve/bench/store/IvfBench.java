package org.bitsieve.bench.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.core.io.Npy;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Recall and latency of partitioned search against nprobe, on generated vectors built from the real
 * all-MiniLM-L6-v2 embeddings in the shared folder (every .npy under embeddings/all-minilm-l6-v2): each generated
 * vector is {@code normalize(0.8 a + 0.2 b + 0.015 g)} for two random real vectors a, b and Gaussian noise g, so
 * it lies near the real sentences' manifold without copying any. Queries are generated the same way (not in the
 * collection). Reports, per nprobe, recall@10 against the exact float top 10 (computed by brute force while
 * generating), recall@10 against the collection's exact scan (nprobe 0, same re-rank), and p50/p90 latency of one
 * query at a time (asymmetric, oversample 10, re-ranked from f16 floats).
 *
 * <pre>
 * java -Xmx6g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.store.IvfBench --shared /work/shared \
 *     --docs 1000000 --cells 1024 --queries 100 --dir /tmp/ivfbench
 * </pre>
 */
public final class IvfBench {
    private IvfBench() {}

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path shared = Path.of(a.getOrDefault("shared", "/work/shared"));
        int n = Integer.parseInt(a.getOrDefault("docs", "1000000"));
        int cells = Integer.parseInt(a.getOrDefault("cells", "1024"));
        int nq = Integer.parseInt(a.getOrDefault("queries", "100"));
        int sample = Integer.parseInt(a.getOrDefault("sample", String.valueOf(Math.min(n, 60 * cells))));
        int proj = Integer.parseInt(a.getOrDefault("projection", "64"));
        Path dir = Path.of(a.getOrDefault("dir", "/tmp/ivfbench"));
        int[] probes = Arrays.stream(a.getOrDefault("nprobe", "4,8,16,32,64,128").split(",")).mapToInt(Integer::parseInt).toArray();

        FloatMatrix real = loadReal(shared);
        int dim = real.dim();
        System.out.printf(Locale.ROOT, "real vectors: %,d of dimension %d%n", real.rows(), dim);
        float[][] queries = new float[nq][];
        SplittableRandom qr = new SplittableRandom(12345);
        for (int q = 0; q < nq; q++) {
            queries[q] = generate(real, qr);
        }
        long t0 = System.nanoTime();
        int encSample = Integer.parseInt(a.getOrDefault("encoder-sample", "20000"));
        Encoder enc = Encoders.fit(Encoders.DEFAULT, sampleOf(real, encSample, 3), FitOptions.bits(256));
        FloatMatrix fitSample = generated(real, sample, 777);
        CoarseQuantizer cq = CoarseQuantizer.fit(fitSample, cells, proj, 8, 5, (d, t) -> System.out.printf("  k-means %d/%d%n", d, t));
        System.out.flush();
        System.out.printf(Locale.ROOT, "fitted %s and %d cells (%d-d) on %,d generated vectors in %.1f s%n", enc.describe(), cells, proj, sample,
                (System.nanoTime() - t0) / 1e9);
        if (Files.exists(dir)) {
            Collection.drop(dir);
        }
        // exact float top 10 per query, kept while generating
        float[][] bestS = new float[nq][10];
        int[][] bestI = new int[nq][10];
        for (float[] b : bestS) {
            Arrays.fill(b, Float.NEGATIVE_INFINITY);
        }
        long ingestNs = 0;
        try (Collection c = Collection.create(dir, enc, CollectionOptions.defaults().withFloats(FloatFormat.F16).withCoarse(cq))) {
            SplittableRandom gr = new SplittableRandom(99);
            int batch = 100_000;
            for (int from = 0; from < n; from += batch) {
                int m = Math.min(batch, n - from);
                List<Doc> docs = new ArrayList<>(m);
                float[][] vs = new float[m][];
                for (int i = 0; i < m; i++) {
                    vs[i] = generate(real, gr);
                    docs.add(new Doc("g" + (from + i), vs[i], null, null));
                }
                int base = from;
                java.util.stream.IntStream.range(0, nq).parallel().forEach(q -> {
                    for (int i = 0; i < m; i++) {
                        float s = dot(queries[q], vs[i]);
                        if (s > bestS[q][9]) {
                            int at = 9;
                            while (at > 0 && s > bestS[q][at - 1]) {
                                bestS[q][at] = bestS[q][at - 1];
                                bestI[q][at] = bestI[q][at - 1];
                                at--;
                            }
                            bestS[q][at] = s;
                            bestI[q][at] = base + i;
                        }
                    }
                });
                long s0 = System.nanoTime();
                c.add(docs);
                ingestNs += System.nanoTime() - s0;
                System.out.printf(Locale.ROOT, "  %,d docs%n", from + m);
            }
            long s0 = System.nanoTime();
            c.flush();
            ingestNs += System.nanoTime() - s0;
            System.out.printf(Locale.ROOT, "ingested %,d docs in %.1f s (%.0f docs/s, encode + cells + log + flush)%n", n, ingestNs / 1e9,
                    n / (ingestNs / 1e9));
            org.bitsieve.store.CellBalance bal = c.cellBalance();
            System.out.printf(Locale.ROOT, "cells: min %d, median %d, max %d, empty %d%n", bal.min(), bal.median(), bal.max(), bal.empty());
            List<Set<String>> truth = new ArrayList<>();
            for (int q = 0; q < nq; q++) {
                Set<String> t = new HashSet<>();
                for (int i : bestI[q]) {
                    t.add("g" + i);
                }
                truth.add(t);
            }
            // warm-up, then the exact scan as the baseline
            for (int q = 0; q < Math.min(20, nq); q++) {
                c.search(SearchRequest.of(queries[q], 10).oversample(10).nprobe(0));
                c.search(SearchRequest.of(queries[q], 10).oversample(10).nprobe(probes[probes.length - 1]));
            }
            List<Set<String>> exact = new ArrayList<>();
            double[] exactMs = new double[nq];
            double exactRecall = 0;
            for (int q = 0; q < nq; q++) {
                long q0 = System.nanoTime();
                List<Hit> h = c.search(SearchRequest.of(queries[q], 10).oversample(10).nprobe(0));
                exactMs[q] = (System.nanoTime() - q0) / 1e6;
                exact.add(ids(h));
                exactRecall += overlap(exact.get(q), truth.get(q)) / 10.0 / nq;
            }
            System.out.printf(Locale.ROOT, "%n| nprobe | share of cells | recall@10 vs exact float | recall@10 vs exact scan | p50 ms | p90 ms |%n");
            System.out.printf(Locale.ROOT, "|---:|---:|---:|---:|---:|---:|%n");
            System.out.printf(Locale.ROOT, "| 0 (exact) | 100%% | %.3f | 1.000 | %.2f | %.2f |%n", exactRecall, pct(exactMs, 50), pct(exactMs, 90));
            for (int p : probes) {
                if (p > cells) {
                    continue;
                }
                double[] ms = new double[nq];
                double rf = 0;
                double re = 0;
                for (int q = 0; q < nq; q++) {
                    long q0 = System.nanoTime();
                    List<Hit> h = c.search(SearchRequest.of(queries[q], 10).oversample(10).nprobe(p));
                    ms[q] = (System.nanoTime() - q0) / 1e6;
                    Set<String> got = ids(h);
                    rf += overlap(got, truth.get(q)) / 10.0 / nq;
                    re += overlap(got, exact.get(q)) / (double) exact.get(q).size() / nq;
                }
                System.out.printf(Locale.ROOT, "| %d | %.2f%% | %.3f | %.3f | %.2f | %.2f |%n", p, 100.0 * p / cells, rf, re, pct(ms, 50), pct(ms, 90));
            }
        }
        Collection.drop(dir);
    }

    private static FloatMatrix loadReal(Path shared) throws Exception {
        List<FloatMatrix> parts = new ArrayList<>();
        int rows = 0;
        try (Stream<Path> s = Files.walk(shared.resolve("embeddings/all-minilm-l6-v2"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
                FloatMatrix m = Npy.read(p);
                parts.add(m);
                rows += m.rows();
            }
        }
        int dim = parts.get(0).dim();
        float[] all = new float[rows * dim];
        int at = 0;
        for (FloatMatrix m : parts) {
            System.arraycopy(m.data(), 0, all, at, m.rows() * dim);
            at += m.rows() * dim;
        }
        return new FloatMatrix(all, rows, dim).normalizeRows();
    }

    static float[] generate(FloatMatrix real, SplittableRandom r) {
        int d = real.dim();
        float[] data = real.data();
        int a = r.nextInt(real.rows()) * d;
        int b = r.nextInt(real.rows()) * d;
        float[] v = new float[d];
        double n = 0;
        for (int j = 0; j < d; j++) {
            v[j] = (float) (0.8 * data[a + j] + 0.2 * data[b + j] + 0.015 * gauss(r));
            n += (double) v[j] * v[j];
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int j = 0; j < d; j++) {
            v[j] *= inv;
        }
        return v;
    }

    private static double gauss(SplittableRandom r) {
        // Box-Muller (SplittableRandom has no nextGaussian on Java 17)
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static FloatMatrix generated(FloatMatrix real, int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[rows * real.dim()];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(generate(real, r), 0, out, i * real.dim(), real.dim());
        }
        return new FloatMatrix(out, rows, real.dim());
    }

    private static FloatMatrix sampleOf(FloatMatrix m, int rows, long seed) {
        return m.select(new SplittableRandom(seed).ints(0, m.rows()).distinct().limit(Math.min(rows, m.rows())).toArray());
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> s = new HashSet<>();
        for (Hit h : hits) {
            s.add(h.id());
        }
        return s;
    }

    private static int overlap(Set<String> a, Set<String> b) {
        int n = 0;
        for (String x : a) {
            if (b.contains(x)) {
                n++;
            }
        }
        return n;
    }

    private static double pct(double[] ms, int p) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p / 100.0 * s.length))];
    }
}
