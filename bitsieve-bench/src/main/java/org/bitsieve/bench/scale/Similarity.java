package org.bitsieve.bench.scale;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Does the generator's neighbour structure resemble real data's? On equal-sized samples (real: random pool
 * vectors as documents and other pool vectors as queries; generated: documents 0..n-1 and held-out queries)
 * it reports the distribution of the 1st and 10th nearest-neighbour cosine and the recall@10 of the codes
 * (asymmetric, and with f16 re-rank) against exact float search, through a bulk-loaded collection.
 */
final class Similarity {
    private Similarity() {}

    static Map<String, Object> run(MixGenerator gen, Encoder enc, Path data, int n, int nq) throws IOException {
        int dim = MixGenerator.DIM;
        int[] perm = org.bitsieve.core.Shuffle.firstOf(gen.poolRows, gen.poolRows, gen.seed);
        if (n + nq > gen.poolRows) {
            throw new IllegalArgumentException("--sample " + n + " plus " + nq + " queries exceeds the pool of " + gen.poolRows);
        }
        float[] rd = new float[n * dim];
        float[] rq = new float[nq * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(gen.pool, perm[i] * dim, rd, i * dim, dim);
        }
        for (int q = 0; q < nq; q++) {
            System.arraycopy(gen.pool, perm[n + q] * dim, rq, q * dim, dim);
        }
        float[] gd = new float[n * dim];
        gen.docs(0, n, gd);
        FloatMatrix gq = gen.queries(nq);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sample_docs", n);
        out.put("queries", nq);
        out.put("real", one("real", new FloatMatrix(rd, n, dim), new FloatMatrix(rq, nq, dim), enc, data));
        out.put("generated", one("generated", new FloatMatrix(gd, n, dim), gq, enc, data));
        return out;
    }

    private static Map<String, Object> one(String name, FloatMatrix docs, FloatMatrix queries, Encoder enc, Path data) throws IOException {
        int nq = queries.rows();
        int n = docs.rows();
        int dim = docs.dim();
        int[][] top = new int[nq][];
        double[] first = new double[nq];
        double[] tenth = new double[nq];
        IntStream.range(0, nq).parallel().forEach(q -> {
            float[] s = new float[n];
            float[] x = docs.data();
            float[] qv = queries.row(q);
            for (int i = 0; i < n; i++) {
                float acc = 0;
                for (int j = 0, o = i * dim; j < dim; j++) {
                    acc += qv[j] * x[o + j];
                }
                s[i] = acc;
            }
            int[] best = new int[10];
            // selection of the 10 best by repeated max: n is 50k, 10 passes are cheap next to the dot products
            boolean[] taken = new boolean[n];
            for (int k = 0; k < 10; k++) {
                int b = -1;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && (b < 0 || s[i] > s[b])) {
                        b = i;
                    }
                }
                taken[b] = true;
                best[k] = b;
            }
            top[q] = best;
            first[q] = s[best[0]];
            tenth[q] = s[best[9]];
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nn1_cosine", percentiles(first));
        m.put("nn10_cosine", percentiles(tenth));
        Path dir = data.resolve("similarity-" + name);
        if (Collection.exists(dir)) {
            Collection.drop(dir);
        }
        try (Collection c = Collection.create(dir, enc, CollectionOptions.defaults().withFloats(FloatFormat.F16))) {
            String[] ids = new String[n];
            Arrays.setAll(ids, Integer::toString);
            boolean[] done = {false};
            c.bulkLoad(() -> {
                if (done[0]) {
                    return null;
                }
                done[0] = true;
                return new BulkBatch(ids, docs.data(), null, null);
            }, null);
            for (int over : new int[] {1, 10}) {
                double rec = 0;
                for (int q = 0; q < nq; q++) {
                    List<Hit> hits = c.search(SearchRequest.of(queries.row(q), 10).oversample(over));
                    Set<Integer> truth = new HashSet<>();
                    for (int t : top[q]) {
                        truth.add(t);
                    }
                    for (Hit h : hits) {
                        if (truth.contains(Integer.parseInt(h.id()))) {
                            rec += 0.1;
                        }
                    }
                }
                m.put(over == 1 ? "recall_at_10_codes" : "recall_at_10_rerank_f16_top100", rec / nq);
            }
        }
        Collection.drop(dir);
        System.out.printf(Locale.ROOT, "similarity %-9s 1st-NN cos %s  10th-NN cos %s  codes R@10 %.3f  re-ranked R@10 %.3f%n", name,
                m.get("nn1_cosine"), m.get("nn10_cosine"), m.get("recall_at_10_codes"), m.get("recall_at_10_rerank_f16_top100"));
        return m;
    }

    static Map<String, Double> percentiles(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        Map<String, Double> m = new LinkedHashMap<>();
        for (int p : new int[] {10, 50, 90}) {
            m.put("p" + p, Math.round(s[Math.min(s.length - 1, s.length * p / 100)] * 1000) / 1000.0);
        }
        m.put("mean", Math.round(Arrays.stream(s).average().orElse(0) * 1000) / 1000.0);
        return m;
    }
}
