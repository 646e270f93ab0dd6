package org.bitsieve.spark;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One local Spark session for every test class of the module (surefire runs them in one JVM): starting Spark
 * takes seconds, and the machine is shared. Two cores, two attempts per task (local[2] alone allows one, so a
 * retried task could not be tested), few shuffle partitions, no UI, loopback only.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    static synchronized SparkSession get() {
        if (session == null) {
            try {
                Path warehouse = Files.createTempDirectory("bitsieve-spark-warehouse");
                session = SparkSession.builder()
                        .master("local[2,2]")
                        .appName("bitsieve-spark-tests")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.sql.shuffle.partitions", "4")
                        .config("spark.sql.adaptive.enabled", "false")
                        .config("spark.sql.warehouse.dir", warehouse.toString())
                        .getOrCreate();
                session.sparkContext().setLogLevel("ERROR");
                Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return session;
    }

    /** The shared datasets folder (BITSIEVE_SHARED / -Dbitsieve.shared). */
    static Path shared() {
        return org.bitsieve.core.SharedData.dir(); // skips without the data folder unless it was asked for
    }
}
