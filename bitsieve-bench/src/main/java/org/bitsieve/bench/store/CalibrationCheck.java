package org.bitsieve.bench.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.Shuffle;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.io.Npy;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.BulkResult;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.NprobeCalibration;
import org.bitsieve.store.SearchRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Does a default nprobe measured on a collection's own documents hold for queries it never saw, on real text?
 * (docs/scaling.md, "Default nprobe, measured per collection"). The train splits of the shared all-MiniLM-L6-v2
 * embeddings (no test split), shuffled with a fixed seed; 500 held out as outside queries, the rest bulk-loaded
 * codes-only with the shipped general encoder and the shipped 1,024-cell quantiser. The default is measured as a load
 * measures it (200 loaded documents; the load itself does so from 100,000 documents on); this prints it beside the held-out queries' recall@10 against the exact code scan at every step of the ladder.
 * <pre>
 *   java -Xmx4g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.store.CalibrationCheck [--shared /work/shared] [--dir /tmp/calcheck]
 * </pre>
 */
public final class CalibrationCheck {
    static final List<String> TRAIN = List.of("banking77/train", "cr/train", "emotion/train", "imdb/train", "mr/train", "sst2/train",
            "subj/train", "trec/train");
    static final int HELD_OUT = 500;

    private CalibrationCheck() {}

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(arg(args, "--shared", System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared")));
        Path dir = Path.of(arg(args, "--dir", "/tmp/calcheck"));
        FloatMatrix read = null;
        for (String s : TRAIN) {
            FloatMatrix m = Npy.read(shared.resolve("embeddings/all-minilm-l6-v2/" + s + ".npy"));
            read = read == null ? m : concat(read, m);
        }
        FloatMatrix all = read;
        int n = all.rows();
        int dim = all.dim();
        int[] order = Shuffle.firstOf(n, n, 24L);
        int docs = n - HELD_OUT;
        var encoder = GeneralEncoders.load(Models.DEFAULT, 256);
        CoarseQuantizer q = GeneralEncoders.coarse(Models.DEFAULT).orElseThrow();
        if (Collection.exists(dir)) {
            Collection.drop(dir);
        }
        System.out.printf(Locale.ROOT, "%,d train-split vectors (%s): %,d loaded, %d held out; %s; %d cells%n", n, String.join(", ", TRAIN), docs,
                HELD_OUT, encoder.describe(), q.cells());
        try (Collection c = Collection.create(dir, encoder, CollectionOptions.defaults().withFloats(FloatFormat.NONE).withCoarse(q))) {
            int[] next = {0};
            BulkResult r = c.bulkLoad(() -> {
                if (next[0] >= docs) {
                    return null;
                }
                int m = Math.min(50_000, docs - next[0]);
                float[] v = new float[m * dim];
                String[] ids = new String[m];
                for (int i = 0; i < m; i++) {
                    int row = order[next[0] + i];
                    System.arraycopy(all.data(), row * dim, v, i * dim, dim);
                    ids[i] = Integer.toString(row);
                }
                next[0] += m;
                return new BulkBatch(ids, v, null, null);
            }, null);
            NprobeCalibration cal = r.calibration();
            if (cal == null) { // fewer than 100,000 documents: a load does not measure, so do what it would (200 loaded documents)
                int m = NprobeCalibration.DEFAULT_QUERIES;
                int[] pick = Shuffle.firstOf(docs, m, 25L);
                float[] v = new float[m * dim];
                String[] ids = new String[m];
                for (int i = 0; i < m; i++) {
                    System.arraycopy(all.data(), order[pick[i]] * dim, v, i * dim, dim);
                    ids[i] = Integer.toString(order[pick[i]]);
                }
                cal = c.calibrateNprobe(new FloatMatrix(v, m, dim), ids, NprobeCalibration.DEFAULT_TARGET);
            }
            System.out.println("measured on 200 loaded documents: " + cal.describe());
            System.out.println("held-out queries, recall@10 against the exact code scan:");
            List<Set<String>> exact = new java.util.ArrayList<>();
            for (int i = 0; i < HELD_OUT; i++) {
                exact.add(ids(c.search(SearchRequest.of(all.row(order[docs + i]), 10).nprobe(0))));
            }
            for (NprobeCalibration.Point p : cal.curve()) {
                int found = 0;
                int total = 0;
                for (int i = 0; i < HELD_OUT; i++) {
                    Set<String> got = ids(c.search(SearchRequest.of(all.row(order[docs + i]), 10).nprobe(p.nprobe())));
                    got.retainAll(exact.get(i));
                    found += got.size();
                    total += exact.get(i).size();
                }
                System.out.printf(Locale.ROOT, "  nprobe %4d: own documents %.3f, held-out queries %.3f%s%n", p.nprobe(), p.recall(), found / (double) total,
                        p.nprobe() == cal.nprobe() ? "  <- default" : "");
            }
        }
        Collection.drop(dir);
        Files.deleteIfExists(dir);
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> s = new HashSet<>();
        hits.forEach(h -> s.add(h.id()));
        return s;
    }

    private static FloatMatrix concat(FloatMatrix a, FloatMatrix b) {
        float[] d = java.util.Arrays.copyOf(a.data(), a.data().length + b.data().length);
        System.arraycopy(b.data(), 0, d, a.data().length, b.data().length);
        return new FloatMatrix(d, a.rows() + b.rows(), a.dim());
    }

    private static String arg(String[] a, String name, String dflt) {
        for (int i = 0; i + 1 < a.length; i++) {
            if (a[i].equals(name)) {
                return a[i + 1];
            }
        }
        return dflt;
    }
}
