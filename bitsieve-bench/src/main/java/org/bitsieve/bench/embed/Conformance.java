package org.bitsieve.bench.embed;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.EmbedStats;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.ProgressListener;
import org.bitsieve.embed.ReferenceSets;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that our embedder reproduces the reference embeddings in shared/embeddings: embeds a spread sample of
 * every dataset/split there and prints min and median cosine to the reference rows. Exit code 1 if any text
 * falls below the threshold.
 *
 * <p>Run with {@code java -cp "bitsieve-bench/target/benchmarks.jar:bitsieve-bench/target/lib/*"
 * org.bitsieve.bench.embed.Conformance} (the ONNX runtime and model jars are in target/lib).
 *
 * <p>Usage: {@code Conformance [--n 200] [--model all-minilm-l6-v2] [--threads 0] [--min 0.999]}
 */
public final class Conformance {
    private Conformance() {}

    public static void main(String[] args) throws Exception {
        int n = 200;
        String model = Models.DEFAULT;
        int threads = 0;
        double min = 0.999;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--model" -> model = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--min" -> min = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: Conformance [--n 200] [--model NAME] [--threads 0] [--min 0.999]");
                    System.exit(2);
                }
            }
        }
        Path shared = ReferenceSets.sharedDir();
        // reference files exist for all-MiniLM only; a quantized model is compared against them too, to show its drift
        String refModel = model.endsWith("-q") ? model.substring(0, model.length() - 2) : model;
        List<ReferenceSets.RefSet> sets = ReferenceSets.all(shared, refModel);
        boolean ok = true;
        System.out.printf("model %s vs reference %s, %d texts per set, shared=%s%n", model, refModel, n, shared);
        System.out.printf("%-20s %6s %10s %10s %10s %9s %8s%n", "set", "texts", "min cos", "median cos",
                "truncated", "tokens/t", "secs");
        long t0 = System.nanoTime();
        try (TextEmbedder embedder = Models.open(model, EmbedOptions.defaults().withThreads(threads))) {
            for (ReferenceSets.RefSet set : sets) {
                ReferenceSets.Sample s = set.sample(n);
                EmbedStats before = embedder.stats();
                long t = System.nanoTime();
                FloatMatrix got = embedder.embedAll(s.texts(), TextRole.PASSAGE, ProgressListener.NONE);
                double secs = (System.nanoTime() - t) / 1e9;
                EmbedStats st = embedder.stats().minus(before);
                double[] cos = ReferenceSets.rowCosines(got, s.reference());
                double[] sorted = cos.clone();
                Arrays.sort(sorted);
                ok &= sorted[0] >= min;
                System.out.printf("%-20s %6d %10.6f %10.6f %10d %9.1f %8.1f%s%n", set.label(), cos.length, sorted[0],
                        sorted[sorted.length / 2], st.truncated(), (double) st.tokens() / st.texts(), secs,
                        sorted[0] >= min ? "" : "  BELOW " + min);
            }
        }
        System.out.printf("total %.1f s: %s%n", (System.nanoTime() - t0) / 1e9,
                ok ? "all texts >= " + min : "SOME TEXTS BELOW " + min);
        System.exit(ok ? 0 : 1);
    }
}
