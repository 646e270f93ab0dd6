package org.bitsieve.spark;

import org.apache.spark.sql.SparkSession;

/** The session the benchmarks run in: local[N] (default 2, -Dbench.master), otherwise as the tests configure it. */
final class BenchSession {
    private BenchSession() {}

    static SparkSession get() {
        SparkSession s = SparkSession.builder()
                .master(System.getProperty("bench.master", "local[2]"))
                .appName("bitsieve-spark-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", System.getProperty("bench.shuffle", "8"))
                .getOrCreate();
        s.sparkContext().setLogLevel("ERROR");
        return s;
    }

    static double seconds(long t0) { return (System.nanoTime() - t0) / 1e9; }

    /**
     * CPU seconds this process has used (all threads: tasks, JIT, GC). On a machine shared with other jobs, wall time
     * measures the neighbours too; work per CPU-second does not, and times the cores gives the rate an idle machine
     * would approach.
     */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
