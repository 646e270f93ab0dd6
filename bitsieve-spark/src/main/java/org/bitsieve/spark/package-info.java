/**
 * bitsieve on Apache Spark 3.5: Spark ML transformers that turn a text column ({@link org.bitsieve.spark.TextToCodes})
 * or a vector column ({@link org.bitsieve.spark.VectorsToCodes}) into bit codes on the executors, the Parquet layout
 * a job writes for collections ({@link org.bitsieve.spark.CodesParquet}, {@link org.bitsieve.spark.ParquetIndexer}),
 * kNN classification against a broadcast labelled reference ({@link org.bitsieve.spark.KnnClassify}) and
 * near-duplicate pairs by banding ({@link org.bitsieve.spark.NearDuplicates}).
 *
 * <p>Spark is a {@code provided} dependency: the cluster's own Spark 3.5 (Scala 2.12) runs these classes.
 */
package org.bitsieve.spark;
