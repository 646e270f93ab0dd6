package org.bitsieve.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/**
 * A ready-made job for {@code spark-submit}: texts in (Parquet, JSON Lines or CSV), the collection layout of
 * {@link CodesParquet} out, with the vectors (float16 by default; f32 makes a collection's codes exactly the job's)
 * so that {@link IndexParquet} can build collections from it.
 *
 * <pre>
 * EncodeTexts --input IN --output OUT [--format parquet|json|csv] [--text-col text] [--id-col id]
 *             [--metadata label,source] [--model all-minilm-l6-v2] [--bits 256] [--encoder enc.bse]
 *             [--partitions N] [--batch 1024] [--vector-format f16|f32]
 * </pre>
 */
public final class EncodeTexts {
    private EncodeTexts() {}

    public static void main(String[] args) throws Exception {
        String input = null;
        String output = null;
        String format = "parquet";
        String textCol = "text";
        String idCol = "";
        String[] metadata = new String[0];
        int partitions = 0;
        String vectorFormat = "f16";
        TextToCodes t = new TextToCodes().setVectorCol("vector");
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--input" -> input = v;
                case "--output" -> output = v;
                case "--format" -> format = v;
                case "--text-col" -> textCol = v;
                case "--id-col" -> idCol = v;
                case "--metadata" -> metadata = v.split(",");
                case "--model" -> t.setModel(v);
                case "--bits" -> t.setBits(Integer.parseInt(v));
                case "--encoder" -> t.setEncoderPath(v);
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--batch" -> t.setBatchSize(Integer.parseInt(v));
                case "--vector-format" -> vectorFormat = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the class comment or docs/spark.md");
            }
            i++;
        }
        if (input == null || output == null) {
            throw new IllegalArgumentException("--input and --output are required");
        }
        SparkSession spark = SparkSession.builder().appName("bitsieve encode-texts").getOrCreate();
        Dataset<Row> in = switch (format) {
            case "parquet" -> spark.read().parquet(input);
            case "json" -> spark.read().json(input);
            case "csv" -> spark.read().option("header", "true").csv(input);
            default -> throw new IllegalArgumentException("--format must be parquet, json or csv");
        };
        if (partitions > 0) {
            in = in.repartition(partitions);
        }
        t.setInputCol(textCol).setVectorFormat(vectorFormat);
        if (!idCol.isEmpty()) {
            t.setIdCol(idCol);
        }
        long t0 = System.nanoTime();
        long rows = new CodesParquet().idCol(idCol).textCol(textCol).vectorCol("vector", vectorFormat).metadataCols(metadata)
                .write(t.transform(in), t.encoderSource(), output);
        System.out.printf(Locale.ROOT, "encoded %d texts -> %s in %.1fs%n", rows, output, (System.nanoTime() - t0) / 1e9);
        spark.stop();
    }
}
