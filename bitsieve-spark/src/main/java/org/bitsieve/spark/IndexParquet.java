package org.bitsieve.spark;

import org.apache.spark.sql.SparkSession;
import org.bitsieve.store.FloatFormat;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code index COLL --parquet DIR [--shards N] [--floats none|f16|f32]}: builds collections from a job's output.
 * Run it where the collection should live, with {@code spark-submit --class org.bitsieve.spark.IndexParquet} (it
 * reads the Parquet through the session it gets, so any file system Spark reads works for the data files).
 */
public final class IndexParquet {
    private IndexParquet() {}

    public static void main(String[] args) throws Exception {
        Path coll = null;
        Path parquet = null;
        ParquetIndexer indexer = new ParquetIndexer();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "index" -> { }
                case "--parquet" -> parquet = Path.of(args[++i]);
                case "--shards" -> indexer.shards(Integer.parseInt(args[++i]));
                case "--floats" -> indexer.floats(FloatFormat.parse(args[++i]));
                default -> {
                    if (args[i].startsWith("-") || coll != null) {
                        throw new IllegalArgumentException("usage: index COLL --parquet DIR [--shards N] [--floats none|f16|f32]; unexpected " + args[i]);
                    }
                    coll = Path.of(args[i]);
                }
            }
        }
        if (coll == null || parquet == null) {
            throw new IllegalArgumentException("usage: index COLL --parquet DIR [--shards N] [--floats none|f16|f32]");
        }
        SparkSession spark = SparkSession.builder().appName("bitsieve index " + coll.getFileName()).getOrCreate();
        long t0 = System.nanoTime();
        ParquetIndexer.Result r = indexer.index(spark, parquet, coll);
        System.out.printf(Locale.ROOT, "indexed %d rows -> %d documents in %d collection(s) under %s in %.1fs (%d codes differ from the job's: "
                + "float16 rounding)%n", r.rows(), r.docs(), r.collections().size(), coll, (System.nanoTime() - t0) / 1e9, r.codeMismatches());
    }
}
