package org.bitsieve.bench.embed;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.EmbedStats;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.ProgressListener;
import org.bitsieve.embed.ReferenceSets;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextInput;
import org.bitsieve.embed.TextRole;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Speed and memory of the bundled models on this machine: load time, texts/s for short (~20 tokens, SST-2) and
 * long (256 tokens after truncation, IMDB) texts, peak RSS and peak heap; medians over repetitions. Then the
 * speed-up of each {@code -q} model over its float model and the cosine between their vectors.
 *
 * <p>Run with {@code java -cp "bitsieve-bench/target/benchmarks.jar:bitsieve-bench/target/lib/*"
 * org.bitsieve.bench.embed.EmbedBench} (the ONNX runtime and model jars are in target/lib).
 *
 * <p>Usage: {@code EmbedBench [--models all-minilm-l6-v2,all-minilm-l6-v2-q] [--reps 5] [--threads 0]
 * [--batch 16] [--short 1024] [--long 128] [--short-set sst2/train]}
 */
public final class EmbedBench {
    private EmbedBench() {}

    /**
     * Rates are wall-clock medians. The per-CPU-second rates (texts / process CPU time, native threads included)
     * are given too because the machine may be shared: rate per CPU-second x threads estimates the rate with the
     * cores to ourselves (a lower estimate, since ONNX Runtime's spin-waiting counts as CPU time).
     */
    private record Result(String model, double firstLoad, double load, double shortRate, double longRate,
                          double shortCpuRate, double longCpuRate, double shortTokens, double longTokens,
                          long peakRssMb, long peakHeapMb, FloatMatrix shortVectors, FloatMatrix longVectors) {}

    public static void main(String[] args) throws Exception {
        List<String> models = List.of(Models.DEFAULT, Models.DEFAULT + "-q");
        int reps = 5;
        int threads = 0;
        int batch = EmbedOptions.DEFAULT_BATCH_SIZE;
        int nShort = 1024;
        int nLong = 128;
        String shortSet = "sst2/train";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--models" -> models = List.of(args[++i].split(","));
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--short" -> nShort = Integer.parseInt(args[++i]);
                case "--long" -> nLong = Integer.parseInt(args[++i]);
                case "--short-set" -> shortSet = args[++i];
                default -> {
                    System.err.println("usage: EmbedBench [--models a,b] [--reps 5] [--threads 0] [--batch 16] "
                            + "[--short 1024] [--long 128] [--short-set sst2/train]");
                    System.exit(2);
                }
            }
        }
        Path data = ReferenceSets.sharedDir().resolve("data");
        List<String> shortTexts = first(TextInput.read(data.resolve(shortSet + ".jsonl.gz")), nShort, 0);
        // IMDB reviews of 1,400+ characters all reach the 256-token limit
        List<String> longTexts = first(TextInput.read(data.resolve("imdb/test.jsonl.gz")), nLong, 1400);
        EmbedOptions options = EmbedOptions.defaults().withThreads(threads).withBatchSize(batch);
        System.out.printf("EmbedBench: %d cores, threads=%d, batch=%d, reps=%d, %d short (%s) + %d long (imdb/test) "
                        + "texts, java %s, load average %s%n", Runtime.getRuntime().availableProcessors(),
                options.effectiveThreads(), batch, reps, shortTexts.size(), shortSet, longTexts.size(),
                System.getProperty("java.version"), loadAverage());

        Map<String, Result> results = new LinkedHashMap<>();
        for (String model : models) {
            Result r = run(model, options, reps, shortTexts, longTexts);
            results.put(model, r);
            System.out.printf("%-20s first load %4.2f s, load %4.2f s | short %6.1f texts/s (%5.1f per CPU-s, %.1f "
                            + "tok/text) | long %5.1f texts/s (%4.1f per CPU-s, %.1f tok/text) | peak RSS %d MB, "
                            + "peak heap %d MB%n",
                    model, r.firstLoad, r.load, r.shortRate, r.shortCpuRate, r.shortTokens, r.longRate,
                    r.longCpuRate, r.longTokens, r.peakRssMb, r.peakHeapMb);
        }
        System.out.printf("load average at the end: %s%n", loadAverage());
        for (Result q : results.values()) {
            Result f = q.model.endsWith("-q") ? results.get(q.model.substring(0, q.model.length() - 2)) : null;
            if (f == null) {
                continue;
            }
            System.out.printf("%s vs %s: speed-up short x%.2f, long x%.2f; cosine to float vectors: "
                            + "short min %.4f median %.4f, long min %.4f median %.4f%n",
                    q.model, f.model, q.shortRate / f.shortRate, q.longRate / f.longRate,
                    min(q.shortVectors, f.shortVectors), median(q.shortVectors, f.shortVectors),
                    min(q.longVectors, f.longVectors), median(q.longVectors, f.longVectors));
        }
    }

    private static Result run(String model, EmbedOptions options, int reps, List<String> shortTexts,
                              List<String> longTexts) throws IOException {
        resetPeakRss();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t = System.nanoTime();
        Models.open(model, options).close(); // the first open also loads the native libraries
        double firstLoad = secs(t);
        double[] loads = new double[3];
        for (int i = 0; i < loads.length; i++) {
            t = System.nanoTime();
            Models.open(model, options).close();
            loads[i] = secs(t);
        }
        try (TextEmbedder e = Models.open(model, options)) {
            e.embedAll(shortTexts.subList(0, Math.min(64, shortTexts.size())), TextRole.PASSAGE, ProgressListener.NONE);
            e.embedAll(longTexts.subList(0, Math.min(16, longTexts.size())), TextRole.PASSAGE, ProgressListener.NONE);
            double[] shortRates = new double[reps];
            double[] longRates = new double[reps];
            double[] shortCpuRates = new double[reps];
            double[] longCpuRates = new double[reps];
            FloatMatrix sv = null;
            FloatMatrix lv = null;
            EmbedStats s0 = e.stats();
            for (int r = 0; r < reps; r++) {
                t = System.nanoTime();
                long cpu = cpuNanos();
                sv = e.embedAll(shortTexts, TextRole.PASSAGE, ProgressListener.NONE);
                shortRates[r] = shortTexts.size() / secs(t);
                shortCpuRates[r] = shortTexts.size() / ((cpuNanos() - cpu) / 1e9);
            }
            EmbedStats s1 = e.stats();
            for (int r = 0; r < reps; r++) {
                t = System.nanoTime();
                long cpu = cpuNanos();
                lv = e.embedAll(longTexts, TextRole.PASSAGE, ProgressListener.NONE);
                longRates[r] = longTexts.size() / secs(t);
                longCpuRates[r] = longTexts.size() / ((cpuNanos() - cpu) / 1e9);
            }
            EmbedStats s2 = e.stats();
            EmbedStats sd = s1.minus(s0);
            EmbedStats ld = s2.minus(s1);
            return new Result(model, firstLoad, median(loads), median(shortRates), median(longRates),
                    median(shortCpuRates), median(longCpuRates), (double) sd.tokens() / sd.texts(), (double) ld.tokens() / ld.texts(), peakRssMb(), peakHeapMb(),
                    sv, lv);
        }
    }

    private static List<String> first(List<String> texts, int n, int minChars) {
        List<String> out = new ArrayList<>();
        for (String s : texts) {
            if (s.length() >= minChars) {
                out.add(s);
                if (out.size() == n) {
                    break;
                }
            }
        }
        return out;
    }

    /** CPU time of the whole process, so ONNX Runtime's native threads count too. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(FloatMatrix a, FloatMatrix b) {
        return Arrays.stream(ReferenceSets.rowCosines(a, b)).min().orElse(Double.NaN);
    }

    private static double median(FloatMatrix a, FloatMatrix b) {
        return median(ReferenceSets.rowCosines(a, b));
    }

    /** Linux: writing 5 to clear_refs resets VmHWM, so each model's peak is its own, not the previous model's. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux or not allowed: the peak then covers everything since the JVM started
        }
    }

    /** VmHWM from /proc/self/status: the process's peak resident memory, native (ONNX Runtime) included. */
    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    /** The machine may be shared: the 1/5/15-minute load averages tell how much the numbers can be trusted. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum >> 20;
    }
}
