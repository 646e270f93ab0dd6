package org.bitsieve.bench.scale;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.BulkResult;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bulk-load cost on pre-generated vectors (generation excluded): wall time and process CPU time of
 * {@link Collection#bulkLoad} codes-only and with f16 floats, next to {@code encodeAll} alone on the same vectors.
 * CPU time per document is what stays meaningful when other jobs hold the cores.
 */
final class IngestCost {
    private IngestCost() {}

    /**
     * With {@code cells > 0} also a codes-only load into a collection partitioned by a quantiser of that many cells
     * (64-d projection, 2 k-means iterations on the first 40 x cells documents: its speed does not depend on the fit).
     */
    static Map<String, Object> run(MixGenerator gen, Encoder enc, Path data, int n, int batch, int cells) throws IOException {
        float[] v = new float[n * MixGenerator.DIM];
        gen.docs(0, n, v);
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.toString(i);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("docs", n);
        out.put("batch", batch);
        out.put("load_average_at_start", ScaleBench.loadAverage());
        org.bitsieve.core.coarse.CoarseQuantizer q = cells <= 0 ? null : org.bitsieve.core.coarse.CoarseQuantizer.fit(
                new FloatMatrix(java.util.Arrays.copyOf(v, Math.min(n, 40 * cells) * MixGenerator.DIM), Math.min(n, 40 * cells), MixGenerator.DIM),
                cells, 64, 2, 1, org.bitsieve.core.encode.Progress.NONE);
        for (int rep = 0; rep < 2; rep++) { // the first round warms the JIT; the second is reported
            long c0 = ScaleBench.cpuNanos();
            long t0 = System.nanoTime();
            enc.encodeAll(new FloatMatrix(v, n, MixGenerator.DIM));
            out.put("encode_only_docs_per_s", n / ((System.nanoTime() - t0) / 1e9));
            out.put("encode_only_docs_per_cpu_second", n / ((ScaleBench.cpuNanos() - c0) / 1e9));
            for (int variant = 0; variant < (q == null ? 2 : 3); variant++) {
                FloatFormat f = variant == 1 ? FloatFormat.F16 : FloatFormat.NONE;
                Path dir = data.resolve("ingest-" + variant);
                if (Collection.exists(dir)) {
                    Collection.drop(dir);
                }
                long cpu;
                BulkResult r;
                long w0 = System.nanoTime();
                CollectionOptions opts = CollectionOptions.defaults().withFloats(f);
                try (Collection c = Collection.create(dir, enc, variant == 2 ? opts.withCoarse(q) : opts)) {
                    int[] next = {0};
                    long cc = ScaleBench.cpuNanos();
                    r = c.bulkLoad(() -> {
                        if (next[0] >= n) {
                            return null;
                        }
                        int from = next[0];
                        int m = Math.min(batch, n - from);
                        next[0] += m;
                        // copies of ready vectors: what a source reading a file hands over
                        return new BulkBatch(java.util.Arrays.copyOfRange(ids, from, from + m),
                                java.util.Arrays.copyOfRange(v, from * MixGenerator.DIM, (from + m) * MixGenerator.DIM), null, null);
                    }, null);
                    cpu = ScaleBench.cpuNanos() - cc;
                }
                double wall = (System.nanoTime() - w0) / 1e9;
                Collection.drop(dir);
                String k = variant == 0 ? "codes_only" : variant == 1 ? "f16" : "codes_only_" + cells + "_cells";
                out.put(k + "_docs_per_s", n / r.storeSeconds());
                out.put(k + "_docs_per_s_incl_create_close", n / wall);
                out.put(k + "_docs_per_cpu_second", n / (cpu / 1e9));
            }
        }
        out.put("load_average_at_end", ScaleBench.loadAverage());
        System.out.println("ingest cost: " + out);
        return out;
    }
}
