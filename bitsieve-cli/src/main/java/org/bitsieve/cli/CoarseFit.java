package org.bitsieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseFiles;
import org.bitsieve.core.coarse.CoarseQuantizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * {@code fit --general --coarse}: the shipped general coarse quantiser of a model, fitted on the general sample,
 * and its validation: held-out general texts (never in the sample) as queries against the sample, recall@10 of
 * the cells alone (exact float cosine inside the probed cells) against the exact float top 10, per nprobe.
 */
final class CoarseFit {
    static final int[] PROBES = {1, 2, 4, 8, 16, 32, 64, 128, 192, 256};

    private CoarseFit() {}

    static void fitGeneral(FloatMatrix x, FloatMatrix heldOut, int cells, int projection, int iterations, long seed, Path outputDir,
                           String model, ObjectNode provenance) throws Exception {
        long t0 = System.nanoTime();
        CoarseQuantizer q;
        try (Bars.Bar bar = Bars.bar("fit coarse " + cells, iterations, "iterations")) {
            q = CoarseQuantizer.fit(x, cells, Math.min(projection, x.dim()), iterations, seed, bar);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Path bsq = outputDir.resolve(model + "-coarse-" + cells + ".bsq");
        CoarseFiles.save(q, bsq);
        double[] recall = recall(q, x, heldOut);
        ObjectNode p = provenance;
        p.put("cells", cells);
        p.put("projection", q.projection());
        p.put("iterations", iterations);
        p.put("fingerprint", Long.toHexString(q.fingerprint()));
        p.put("fitSeconds", Math.round(secs * 10) / 10.0);
        p.put("validation", "held-out general sentences (not in the sample) as queries against the sample's vectors: "
                + "recall@10 of exact float cosine inside the nprobe nearest cells against the exact float top 10");
        p.put("validationQueries", heldOut.rows());
        ArrayNode curve = p.putArray("validationRecallAt10");
        int[] size = new int[cells];
        for (int c : q.assignAll(x)) {
            size[c]++;
        }
        int[] sorted = size.clone();
        Arrays.sort(sorted);
        p.put("cellSizes", String.format(Locale.ROOT, "min %d, median %d, max %d", sorted[0], sorted[cells / 2], sorted[cells - 1]));
        for (int i = 0; i < PROBES.length && PROBES[i] <= cells; i++) {
            ObjectNode o = curve.addObject();
            o.put("nprobe", PROBES[i]);
            o.put("recall", Math.round(recall[i] * 10000) / 10000.0);
            System.out.printf(Locale.ROOT, "  nprobe %4d (%.2f%% of cells): recall@10 %.4f%n", PROBES[i], 100.0 * PROBES[i] / cells, recall[i]);
        }
        Files.writeString(outputDir.resolve(model + "-coarse-" + cells + ".json"), Inputs.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p));
        System.out.printf(Locale.ROOT, "fitted %d cells in %.1fs -> %s (cells: %s)%n", cells, secs, bsq, p.get("cellSizes").asText());
    }

    /** Per nprobe of {@link #PROBES}, mean recall@10 of the cells against the exact float top 10 over {@code x}. */
    static double[] recall(CoarseQuantizer q, FloatMatrix x, FloatMatrix queries) {
        FloatMatrix xn = new FloatMatrix(x.data().clone(), x.rows(), x.dim()).normalizeRows();
        int[] cellOf = q.assignAll(x);
        double[][] per = new double[queries.rows()][];
        IntStream.range(0, queries.rows()).parallel().forEach(qi -> {
            float[] v = queries.row(qi);
            float[] s = new float[x.rows()];
            for (int i = 0; i < x.rows(); i++) {
                float d = 0;
                int o = i * x.dim();
                for (int j = 0; j < v.length; j++) {
                    d += v[j] * xn.data()[o + j];
                }
                s[i] = d;
            }
            int[] top = top10(s, null);
            int[] order = q.probe(v, Math.min(q.cells(), PROBES[PROBES.length - 1]));
            double[] r = new double[PROBES.length];
            for (int pi = 0; pi < PROBES.length && PROBES[pi] <= q.cells(); pi++) {
                boolean[] in = new boolean[q.cells()];
                for (int k = 0; k < PROBES[pi]; k++) {
                    in[order[k]] = true;
                }
                int[] got = top10(s, i -> in[cellOf[i]]);
                int hit = 0;
                for (int a : got) {
                    for (int b : top) {
                        if (a == b) {
                            hit++;
                        }
                    }
                }
                r[pi] = hit / 10.0;
            }
            per[qi] = r;
        });
        double[] mean = new double[PROBES.length];
        for (double[] r : per) {
            for (int i = 0; i < r.length; i++) {
                mean[i] += r[i] / per.length;
            }
        }
        return mean;
    }

    private static int[] top10(float[] s, java.util.function.IntPredicate keep) {
        int[] best = new int[10];
        float[] bs = new float[10];
        Arrays.fill(bs, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int i = 0; i < s.length; i++) {
            if (s[i] > bs[9] && (keep == null || keep.test(i))) {
                int at = 9;
                while (at > 0 && s[i] > bs[at - 1]) {
                    bs[at] = bs[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bs[at] = s[i];
                best[at] = i;
            }
        }
        return best;
    }
}
