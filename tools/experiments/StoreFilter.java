import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.*;
import org.bitsieve.store.*;
import org.bitsieve.store.filter.MetaFilter;
import java.nio.file.*;
import java.util.*;

/**
 * Filtered search latency of the store's typed filter (issue 23's target: 1M documents, a 1% filter, p50 <= 10 ms):
 * N random 64-d documents, pcaq 64-bit codes, no floats, metadata {"tenant": i % 100, ...}; 60 queries of top 10
 * (asymmetric) without a filter and with tenant == 42, p50 / p90 of the last 50 (the first filtered query builds
 * the field's column, once per segment). Random vectors: a scan-cost measurement, not a recall one.
 * Usage: StoreFilter N   (class path: bitsieve-store and bitsieve-core classes, jackson-core/databind/annotations)
 */
public class StoreFilter {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]), dim = 64;
        Random r = new Random(1);
        float[] train = new float[4000 * dim];
        for (int i = 0; i < train.length; i++) train[i] = (float) r.nextGaussian();
        Encoder enc = Encoders.fit("pcaq", new FloatMatrix(train, 4000, dim), FitOptions.bits(64));
        Path dir = Files.createTempDirectory("fb").resolve("c");
        long t0 = System.nanoTime();
        try (org.bitsieve.store.Collection c = org.bitsieve.store.Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 262_144))) {
            List<Doc> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) v[j] = (float) r.nextGaussian();
                batch.add(new Doc("d" + i, v, null, "{\"tenant\":" + (i % 100) + ",\"kind\":\"k" + (i % 7) + "\"}"));
                if (batch.size() == 100_000) { c.add(batch); batch.clear(); }
            }
            if (!batch.isEmpty()) c.add(batch);
            c.flush();
            System.out.printf("ingest %d docs: %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            MetaFilter f = MetaFilter.eq("tenant", 42); // 1% of documents
            for (String label : new String[]{"no filter", "1% filter"}) {
                long[] ts = new long[60];
                for (int q = 0; q < ts.length; q++) {
                    float[] v = new float[dim];
                    for (int j = 0; j < dim; j++) v[j] = (float) r.nextGaussian();
                    SearchRequest req = SearchRequest.of(v, 10);
                    if (label.startsWith("1%")) req = req.where(f);
                    long s = System.nanoTime();
                    List<Hit> h = c.search(req);
                    ts[q] = System.nanoTime() - s;
                    if (label.startsWith("1%")) for (Hit x : h) if (!x.metadataJson().contains("\"tenant\":42,")) throw new AssertionError(x);
                }
                long[] w = Arrays.copyOfRange(ts, 10, ts.length); Arrays.sort(w);
                System.out.printf("%s: p50 %.2f ms, p90 %.2f ms (k=10, asymmetric, %d queries after 10 warm-up)%n", label, w[w.length / 2] / 1e6, w[(int) (w.length * 0.9)] / 1e6, w.length);
            }
        }
    }
}
