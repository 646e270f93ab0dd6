package org.bitsieve.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Vector column to codes, rows per second on the bench session. Input: the reference vectors of the given
 * datasets (default IMDB train + test, 50,000 x 384), written once as Parquet under /tmp and cached in memory, so
 * the timed job is the transformer (plus Spark's row handling) and a no-op sink.
 *
 * <pre>java ... org.bitsieve.spark.VectorsToCodesBench [repeat] [dataset/split ...]</pre>
 */
public final class VectorsToCodesBench {
    public static void main(String[] args) throws Exception {
        int repeat = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> sets = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("imdb/train", "imdb/test");
        SparkSession spark = BenchSession.get();
        Path pq = Path.of(System.getProperty("java.io.tmpdir"), "bitsieve-bench-vectors-" + String.join("+", sets).replace('/', '_'));
        if (!Files.exists(pq.resolve("_SUCCESS"))) {
            List<Row> rows = new ArrayList<>();
            for (String s : sets) {
                FloatMatrix m = Npy.readVectors(TestSpark.shared().resolve("embeddings/all-minilm-l6-v2/" + s + ".npy"));
                for (int i = 0; i < m.rows(); i++) {
                    rows.add(RowFactory.create((long) rows.size(), VectorsToCodesTest.boxed(m.row(i))));
                }
            }
            spark.createDataFrame(rows, VectorsToCodesTest.SCHEMA).repartition(8).write().mode("overwrite").parquet(pq.toString());
        }
        Dataset<Row> in = spark.read().parquet(pq.toString()).cache();
        long n = in.count();
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            double c0 = BenchSession.cpuSeconds();
            new VectorsToCodes().transform(in).write().format("noop").mode("overwrite").save();
            double s = BenchSession.seconds(t0);
            double cpu = BenchSession.cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "VectorsToCodes %s: %d rows in %.2fs = %.0f rows/s wall; %.1f CPU-s = %.0f rows per CPU-second (%d partitions, %s)%n",
                    String.join("+", sets), n, s, n / s, cpu, n / cpu, in.rdd().getNumPartitions(), spark.sparkContext().master());
        }
        // baselines in the same JVM and minute (the machine is shared, so absolute rates move with its load):
        // Spark reading the cached input into a no-op sink, and the core encoder alone on every core
        long t0 = System.nanoTime();
        in.write().format("noop").mode("overwrite").save();
        double s = BenchSession.seconds(t0);
        System.out.printf(Locale.ROOT, "baseline, Spark scan of the cached input only: %.0f rows/s%n", n / s);
        java.util.List<Row> sample = in.limit(50_000).select("vector").collectAsList();
        int dim = sample.get(0).getList(0).size();
        float[] data = new float[sample.size() * dim];
        for (int i = 0; i < sample.size(); i++) {
            java.util.List<Float> v = sample.get(i).getList(0);
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = v.get(j);
            }
        }
        org.bitsieve.core.encode.Encoder enc = new VectorsToCodes().encoderSource().get();
        FloatMatrix m = new FloatMatrix(data, sample.size(), dim);
        for (int r = 0; r < repeat; r++) {
            t0 = System.nanoTime();
            double c0 = BenchSession.cpuSeconds();
            enc.encodeAll(m);
            s = BenchSession.seconds(t0);
            double cpu = BenchSession.cpuSeconds() - c0;
            System.out.printf(Locale.ROOT, "baseline, core encodeAll (bitsieve encode's loop, %d threads): %.0f rows/s wall, %.0f rows per CPU-second%n",
                    java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(), m.rows() / s, m.rows() / cpu);
        }
        spark.stop();
    }
}
