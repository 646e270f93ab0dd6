package org.bitsieve.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.Npy;
import org.bitsieve.embed.GeneralEncoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Near-duplicate pairs of N codes (default 1,000,000) at radius r (default 8) on the bench session, then the
 * completeness check: on a sample (default 50,000 codes) every pair an exact all-pairs scan finds must be among
 * the job's pairs, and no pair may be reported that the scan does not find.
 *
 * <p>Codes: the 256-bit codes (shipped encoder) of every reference vector in shared/embeddings, each with near copies
 * (0..16 random bit flips) until N codes exist, so the corpus has real code clustering and many true pairs.
 *
 * <pre>java ... org.bitsieve.spark.NearDuplicatesBench [n] [r] [sample]</pre>
 */
public final class NearDuplicatesBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int r = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int sampleSize = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        SparkSession spark = BenchSession.get();
        Path pq = Path.of(System.getProperty("java.io.tmpdir"), "bitsieve-bench-neardup-" + n);
        if (!Files.exists(pq.resolve("_SUCCESS"))) {
            List<byte[]> codes = codes(n);
            List<Row> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(RowFactory.create(String.format(Locale.ROOT, "c%07d", i), codes.get(i)));
            }
            spark.createDataFrame(rows, NearDuplicatesTest.SCHEMA).repartition(8).write().mode("overwrite").parquet(pq.toString());
        }
        Dataset<Row> in = spark.read().parquet(pq.toString()).cache();
        long count = in.count();
        long t0 = System.nanoTime();
        double c0 = BenchSession.cpuSeconds();
        Dataset<Row> pairs = new NearDuplicates().setRadius(r).pairs(in).cache();
        long found = pairs.count();
        double s = BenchSession.seconds(t0);
        System.out.printf(Locale.ROOT, "NearDuplicates: %d codes, r = %d: %d pairs in %.1fs (%.1f CPU-s, %s, shuffle partitions %s)%n",
                count, r, found, s, BenchSession.cpuSeconds() - c0, spark.sparkContext().master(), spark.conf().get("spark.sql.shuffle.partitions"));

        // completeness on a sample: an exact scan of every pair in it
        List<Row> sample = in.orderBy("id").limit(sampleSize).collectAsList();
        Set<String> ids = new HashSet<>();
        List<byte[]> sc = new ArrayList<>();
        for (Row row : sample) {
            ids.add(row.getString(0));
            sc.add((byte[]) row.get(1));
        }
        long t1 = System.nanoTime();
        Set<String> truth = new HashSet<>();
        for (int i = 0; i < sc.size(); i++) {
            for (int j = i + 1; j < sc.size(); j++) {
                int d = CodeBytes.hamming(sc.get(i), sc.get(j));
                if (d <= r) {
                    truth.add(sample.get(i).getString(0) + " " + sample.get(j).getString(0) + " " + d);
                }
            }
        }
        double scan = BenchSession.seconds(t1);
        Set<String> job = new HashSet<>();
        for (Row p : pairs.collectAsList()) {
            if (ids.contains(p.getString(0)) && ids.contains(p.getString(1))) {
                job.add(p.getString(0) + " " + p.getString(1) + " " + p.getInt(2));
            }
        }
        Set<String> missed = new HashSet<>(truth);
        missed.removeAll(job);
        Set<String> extra = new HashSet<>(job);
        extra.removeAll(truth);
        System.out.printf(Locale.ROOT, "sample of %d codes: exact scan %d pairs (%.1fs); job %d pairs among them; missed %d, not in the scan %d%n",
                sc.size(), truth.size(), scan, job.size(), missed.size(), extra.size());
        long clusters = NearDuplicates.clusters(pairs).select("cluster").distinct().count();
        System.out.printf(Locale.ROOT, "clusters: %d (ids with a near duplicate grouped by connected component)%n", clusters);
        spark.stop();
        if (!missed.isEmpty() || !extra.isEmpty()) {
            System.exit(1);
        }
    }

    static List<byte[]> codes(int n) throws Exception {
        Encoder enc = GeneralEncoders.load("all-minilm-l6-v2", 256);
        List<byte[]> base = new ArrayList<>();
        Path root = TestSpark.shared().resolve("embeddings/all-minilm-l6-v2");
        try (var files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
                FloatMatrix m = Npy.readVectors(f);
                long[] packed = enc.encodeAll(m).data();
                for (int i = 0; i < m.rows(); i++) {
                    base.add(CodeBytes.toBytes(packed, i * enc.words(), enc.bits()));
                }
            }
        }
        Random rnd = new Random(42);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; out.size() < n; i++) {
            byte[] c = base.get(i % base.size()).clone();
            if (i >= base.size()) {
                int flips = rnd.nextInt(17);
                for (int f = 0; f < flips; f++) {
                    int b = rnd.nextInt(256);
                    c[b >>> 3] ^= (byte) (1 << (b & 7));
                }
            }
            out.add(c);
        }
        java.util.Collections.shuffle(out, rnd);
        return out;
    }
}
