package org.bitsieve.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bitsieve.embed.TextInput;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Texts to codes on the bench session: texts per second in total and per core, after one warm-up job (which loads
 * one model session per core, as an executor does once in its life). Compare with {@code bitsieve embed} on the
 * same file: {@code ./bitsieve embed FILE -o /tmp/x.npy --no-cache} (one session using every core).
 *
 * <pre>java ... org.bitsieve.spark.TextToCodesBench [data/mr/train.jsonl.gz] [field]</pre>
 */
public final class TextToCodesBench {
    public static void main(String[] args) throws Exception {
        Path file = TestSpark.shared().resolve(args.length > 0 ? args[0] : "data/mr/train.jsonl.gz");
        String field = args.length > 1 ? args[1] : "text";
        List<String> texts = TextInput.read(file, TextInput.Format.guess(file), field);
        SparkSession spark = BenchSession.get();
        int cores = spark.sparkContext().defaultParallelism();
        Dataset<Row> in = TextToCodesTest.frame(texts).repartition(cores).cache();
        in.count();
        TextToCodesTest.frame(texts.subList(0, 64)).repartition(cores).transform(d -> new TextToCodes().setBatchSize(16).transform(d))
                .write().format("noop").mode("overwrite").save();
        long t0 = System.nanoTime();
        double c0 = BenchSession.cpuSeconds();
        new TextToCodes().transform(in).write().format("noop").mode("overwrite").save();
        double s = BenchSession.seconds(t0);
        double cpu = BenchSession.cpuSeconds() - c0;
        System.out.printf(Locale.ROOT, "TextToCodes %s: %d texts in %.1fs = %.1f texts/s, %.1f texts/s per core (%d cores, %s); "
                        + "%.1f CPU-s = %.1f texts per CPU-second%n",
                file.getFileName(), texts.size(), s, texts.size() / s, texts.size() / s / cores, cores, spark.sparkContext().master(),
                cpu, texts.size() / cpu);
        spark.stop();
    }
}
