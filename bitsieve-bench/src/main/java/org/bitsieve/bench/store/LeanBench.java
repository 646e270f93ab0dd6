package org.bitsieve.bench.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Bookkeeping cost of a collection (docs/scaling.md, "Leaner bookkeeping"): heap after open, open time and id
 * lookup latency, for documents with ~1 KB payloads. Uses the public store API only, so the same file measures
 * any build. Two steps, each in its own JVM so the heap figure is that of one open collection:
 * <pre>
 *   java -Xmx6g -cp CP org.bitsieve.bench.store.LeanBench build --dir /tmp/lean-1m --docs 1000000
 *   java -Xmx6g -cp CP org.bitsieve.bench.store.LeanBench open  --dir /tmp/lean-1m --docs 1000000 [--lookups 200000]
 *   java -Xmx6g -cp CP org.bitsieve.bench.store.LeanBench compact --dir /tmp/lean-1m   (rewrites all segments in one)
 * </pre>
 * Documents: id "doc-%09d", a synthetic 64-d vector (pcaq, 64 bits: 8 bytes of codes a document, so the
 * bookkeeping shows), no floats kept, a 1,000-byte text. Lookups: random existing ids ({@code get}, which also
 * reads the payload) and absent ids; median of per-batch means over batches of 1,000.
 */
public final class LeanBench {
    private static final int DIM = 64;

    private LeanBench() {}

    public static void main(String[] args) throws IOException {
        String step = args[0];
        Path dir = null;
        int docs = 1_000_000;
        int lookups = 200_000;
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--lookups" -> lookups = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        if (step.equals("build")) {
            build(dir, docs);
        } else if (step.equals("compact")) {
            long t0 = System.nanoTime();
            try (Collection c = Collection.open(dir)) {
                c.compact();
            }
            System.out.printf(Locale.ROOT, "compact: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } else if (step.equals("open")) {
            open(dir, docs, lookups);
        } else {
            throw new IllegalArgumentException("step must be build, open or compact");
        }
    }

    static float[] vector(Random r) {
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return v;
    }

    static void build(Path dir, int docs) throws IOException {
        Random r = new Random(1);
        float[] data = new float[5000 * DIM];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        Encoder enc = Encoders.fit("pcaq", new FloatMatrix(data, 5000, DIM), FitOptions.bits(64));
        char[] filler = new char[1000];
        long t0 = System.nanoTime();
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 262_144))) {
            int batch = 100_000;
            for (int from = 0; from < docs; from += batch) {
                List<Doc> b = new ArrayList<>(batch);
                for (int i = from; i < Math.min(docs, from + batch); i++) {
                    for (int k = 0; k < filler.length; k++) {
                        filler[k] = (char) ('a' + r.nextInt(26));
                    }
                    b.add(new Doc(String.format(Locale.ROOT, "doc-%09d", i), vector(r), new String(filler), null));
                }
                c.add(b);
            }
        }
        System.out.printf(Locale.ROOT, "build: %d docs in %.1f s%n", docs, (System.nanoTime() - t0) / 1e9);
    }

    static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void open(Path dir, int docs, int lookups) throws IOException {
        long before = usedHeap();
        long t0 = System.nanoTime();
        try (Collection c = Collection.open(dir)) {
            double openS = (System.nanoTime() - t0) / 1e9;
            long after = usedHeap();
            System.out.printf(Locale.ROOT, "open: %d docs in %.2f s; heap %.1f MB after open (%.1f bytes/doc over the empty JVM)%n",
                    c.count(), openS, (after - before) / 1e6, (after - before) / (double) c.count());
            Random r = new Random(2);
            int batches = lookups / 1000;
            double[] hit = new double[batches];
            double[] miss = new double[batches];
            long sink = 0;
            for (int b = 0; b < batches; b++) {
                long s = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    Doc d = c.get(String.format(Locale.ROOT, "doc-%09d", r.nextInt(docs)));
                    sink += d.text().length();
                }
                hit[b] = (System.nanoTime() - s) / 1000.0 / 1000.0;
                s = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    if (c.get(String.format(Locale.ROOT, "nope-%09d", r.nextInt(docs))) != null) {
                        throw new IllegalStateException("an absent id was found");
                    }
                }
                miss[b] = (System.nanoTime() - s) / 1000.0 / 1000.0;
            }
            Arrays.sort(hit);
            Arrays.sort(miss);
            System.out.printf(Locale.ROOT, "get (present, with its 1 KB payload): median %.1f us (p10 %.1f, p90 %.1f batch means); get (absent): median %.1f us  [%d]%n",
                    hit[batches / 2], hit[batches / 10], hit[batches * 9 / 10], miss[batches / 2], sink % 10);
        }
    }
}
