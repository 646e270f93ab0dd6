package org.bitsieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.Evaluator;
import org.bitsieve.core.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Fit each encoder on train vectors and measure size, kNN accuracy (k = 1, 10; Hamming and asymmetric)",
                "and recall@10 against float search; prints a table and writes Markdown and JSON.",
                "Example: bitsieve eval --dataset imdb"})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--dataset", description = "A dataset of the shared folder: reference vectors from shared/embeddings/<model>/<name>, labels from shared/data/<name>.")
    String dataset;

    @Option(names = "--train-split", defaultValue = "train",
            description = "Split fitted on and searched (file <split>.npy / <split>.jsonl.gz). Default: ${DEFAULT-VALUE}.") String trainSplit;

    @Option(names = "--test-split", defaultValue = "test",
            description = "Split whose rows are the queries. Default: ${DEFAULT-VALUE}.") String testSplit;

    @Option(names = "--data-dir", description = "A dataset folder of texts and labels (<split>.jsonl.gz with text/label): embed it "
            + "with --model (through the embedding cache), then evaluate. E.g. ../shared/data/mr")
    Path dataDir;

    @Option(names = "--text-field", defaultValue = "text",
            description = "With --data-dir: JSON field holding the text. Default: ${DEFAULT-VALUE}.") String textField;

    @picocli.CommandLine.Mixin
    TextEmbedding embedding;

    @Option(names = "--train", description = "Train vectors (.npy/.fvecs), instead of --dataset.") Path trainVectors;

    @Option(names = "--train-labels", description = "Train labels (.jsonl[.gz] with a --label-field field, or one label per line; "
            + "integers or strings, numbered together with the test labels).") Path trainLabels;

    @Option(names = "--test", description = "Test vectors.") Path testVectors;

    @Option(names = "--test-labels", description = "Test labels.") Path testLabels;

    @Option(names = "--label-field", defaultValue = "label",
            description = "JSON field holding the label (an integer or a string, as classify takes it). Default: ${DEFAULT-VALUE}.") String labelField;

    @Option(names = {"-e", "--encoders"}, split = ",", defaultValue = "witq,pcaq,itq,sign,simhash,kesieve",
            description = "Encoders to measure. Default: ${DEFAULT-VALUE}.")
    List<String> encoders;

    @Option(names = {"-b", "--bits"}, split = ",", defaultValue = "128,256", description = "Bit budgets. Default: ${DEFAULT-VALUE}.")
    List<Integer> bits;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of every fit and of the train shuffle (datasets come sorted by label). Default: ${DEFAULT-VALUE}.") long seed;

    @Option(names = {"-o", "--out"}, description = "Output folder for eval.md and eval.json. Default: results/tmp/<dataset> in the "
            + "checkout (git-ignored); --out results/<dataset> rewrites the tracked report.")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.") boolean quiet;

    @Override
    public Integer call() throws Exception {
        Bars.quiet = quiet;
        for (String e : encoders) {
            Encoders.kind(e); // fail fast on a typo, before minutes of work
        }
        FloatMatrix train = null;
        FloatMatrix test = null;
        String name = null;
        if (dataDir != null) {
            Path tr = dataDir.resolve(trainSplit + ".jsonl.gz");
            Path te = dataDir.resolve(testSplit + ".jsonl.gz");
            name = dataDir.toAbsolutePath().normalize().getFileName() + "-" + embedding.model.replaceAll("[^A-Za-z0-9._-]", "_");
            train = embedding.embed(org.bitsieve.embed.TextInput.read(tr, org.bitsieve.embed.TextInput.Format.JSONL, textField),
                    org.bitsieve.embed.TextRole.PASSAGE, trainSplit);
            test = embedding.embed(org.bitsieve.embed.TextInput.read(te, org.bitsieve.embed.TextInput.Format.JSONL, textField),
                    org.bitsieve.embed.TextRole.PASSAGE, testSplit);
            trainLabels = tr;
            testLabels = te;
        } else if (dataset != null) {
            Path emb = Inputs.requireShared("embeddings/" + embedding.model + "/" + dataset,
                    "reference embeddings of dataset '" + dataset + "' (model " + embedding.model + ")");
            Path data = Inputs.requireShared("data/" + dataset, "labels of dataset '" + dataset + "'");
            trainVectors = emb.resolve(trainSplit + ".npy");
            testVectors = emb.resolve(testSplit + ".npy");
            trainLabels = data.resolve(trainSplit + ".jsonl.gz");
            testLabels = data.resolve(testSplit + ".jsonl.gz");
        } else if (trainVectors == null || testVectors == null || trainLabels == null || testLabels == null) {
            throw new UserException("give --dataset NAME, or all of --train, --train-labels, --test, --test-labels");
        }
        if (train == null) {
            train = Inputs.vectors(trainVectors);
            test = Inputs.vectors(testVectors);
            name = dataset != null ? dataset : trainVectors.getFileName().toString();
        }
        List<int[]> y = Inputs.labels(List.of(trainLabels, testLabels), labelField);
        int[] ytr = y.get(0);
        int[] yte = y.get(1);
        System.out.printf(Locale.ROOT, "%s: %d train / %d test vectors, dimension %d%n", name, train.rows(), test.rows(), train.dim());
        System.out.println(estimate(train.rows(), test.rows(), train.dim(), encoders, bits, Runtime.getRuntime().availableProcessors()));

        // one bar per step; a new step closes the previous bar
        Map<String, Bars.Bar> bars = new LinkedHashMap<>();
        Evaluator ev = new Evaluator(train, ytr, test, yte, seed).listener((step, done, total) -> {
            Bars.Bar b;
            synchronized (bars) {
                b = bars.get(step);
                if (b == null) {
                    bars.values().forEach(Bars.Bar::close);
                    bars.clear();
                    b = Bars.bar(step, total, "");
                    bars.put(step, b);
                }
            }
            b.update(done, total);
        });
        List<EvalResult> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        EvalResult base = ev.floatBaseline();
        rows.add(base);
        for (String e : encoders) {
            if (e.equals("kesieve")) {
                // the sieve picks its own bit count; also show it capped at each budget
                EvalResult natural = ev.evaluate(e, 0);
                rows.add(natural);
                for (int b : bits) {
                    if (b < natural.bits()) {
                        rows.add(ev.evaluate(e, b));
                    } else {
                        String note = String.format(Locale.ROOT, "kesieve at %d bits: no separate row, because the sieve separated "
                                + "the %d training vectors with %d bits already (it stops once every pair is apart); its %d-bit row "
                                + "is the uncapped sieve", b, train.rows(), natural.bits(), natural.bits());
                        System.err.println(note);
                        notes.add(note);
                    }
                }
                continue;
            }
            for (int b : bits) {
                try {
                    Encoders.kind(e).checkBits(b, train.dim());
                } catch (IllegalArgumentException skip) {
                    System.err.println("skipping " + e + " at " + b + " bits: " + skip.getMessage());
                    continue;
                }
                rows.add(ev.evaluate(e, b));
            }
        }
        synchronized (bars) {
            bars.values().forEach(Bars.Bar::close);
        }
        String md = markdown(name, train, test, rows, base) + notes.stream().map(n -> "\n" + n + ".\n").reduce("", String::concat);
        System.out.println();
        System.out.println(md);
        Path dir = out != null ? out : defaultOut(name);
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("eval.md"), o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] json = Inputs.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json(name, train, test, rows));
        AtomicFiles.write(dir.resolve("eval.json"), o -> o.write(json));
        System.out.println("wrote " + dir.resolve("eval.md") + " and " + dir.resolve("eval.json"));
        return 0;
    }

    /** results/tmp/NAME under the checkout (the launcher names it), else under the working directory: never a tracked file. */
    static Path defaultOut(String name) {
        String root = System.getProperty("bitsieve.root");
        return (root != null ? Path.of(root) : Path.of("")).resolve("results").resolve("tmp").resolve(name);
    }

    /**
     * A rough run time, printed before the work starts. Calibrated on IMDB (25,000 x 25,000, 384-d, the default six
     * encoders at two budgets, kesieve also at its natural length, and the float baseline = 14 rows: 15 min on 2 cores):
     * the kNN scans grow with train x test per row, the fits with train per row.
     */
    static String estimate(int train, int test, int dim, List<String> encoders, List<Integer> bits, int cores) {
        int rows = 1;
        for (String e : encoders) {
            rows += e.equals("kesieve") ? bits.size() + 1 : bits.size();
        }
        double perPairRow = 850.0 / (25_000.0 * 25_000 * 14) * (dim / 384.0) * (2.0 / Math.max(1, cores));
        double secs = perPairRow * train * (double) test * rows + 1.5e-4 * train * rows * (dim / 384.0);
        String t = secs < 90 ? String.format(Locale.ROOT, "%.0f s", secs) : String.format(Locale.ROOT, "%.0f min", secs / 60);
        return String.format(Locale.ROOT, "estimated run time: about %s on %d cores (%d result rows; IMDB with every encoder: 15 min on 2 cores)",
                t, cores, rows);
    }

    static String markdown(String name, FloatMatrix train, FloatMatrix test, List<EvalResult> rows, EvalResult base) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "### %s: %d train / %d test, %d-d, kNN k = 1 and 10%n%n", name, train.rows(), test.rows(), train.dim()));
        sb.append("| encoder | bits | bytes/vec | ratio | codes size | k=10 Hamming | k=10 asym | Δ asym | k=1 Hamming | k=1 asym | R@10 Hamming | R@10 asym | fit s |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (EvalResult r : rows) {
            boolean f = r.encoder().equals("float32");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0fx | %s | %s | %.2f | %s | %s | %.2f | %s | %s | %s |%n",
                    r.encoder(), f ? "32/dim" : Integer.toString(r.bits()), r.bytesPerVector(), r.compression(), size(r.datasetBytes()),
                    String.format(Locale.ROOT, "%.2f", r.hammingAcc10()),
                    r.asymAcc10(),
                    f ? "" : String.format(Locale.ROOT, "%+.2f ± %.2f", r.asymAcc10() - base.asymAcc10(), r.asymSe10()),
                    String.format(Locale.ROOT, "%.2f", r.hammingAcc1()), r.asymAcc1(),
                    f ? "1" : String.format(Locale.ROOT, "%.3f", r.hammingRecall10()),
                    f ? "1" : String.format(Locale.ROOT, "%.3f", r.asymRecall10()),
                    f ? "" : String.format(Locale.ROOT, "%.1f", r.fitSeconds())));
        }
        sb.append("\nFloat32 rows use cosine similarity (the Hamming and asym columns are the same float search). ")
                .append("codes size = train + test codes; R@10 = share of the float top 10 found in the code's top 10; ")
                .append("Δ asym ± standard error of the difference from the finite test set, paired over the test texts.\n");
        return sb.toString();
    }

    static String size(long bytes) {
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f KB", bytes / 1e3);
    }

    static ObjectNode json(String name, FloatMatrix train, FloatMatrix test, List<EvalResult> rows) {
        ObjectNode root = Inputs.JSON.createObjectNode();
        root.put("dataset", name);
        root.put("train", train.rows());
        root.put("test", test.rows());
        root.put("dimension", train.dim());
        root.put("k", Evaluator.K);
        root.put("created", Instant.now().toString());
        ArrayNode a = root.putArray("results");
        for (EvalResult r : rows) {
            a.add(Inputs.JSON.valueToTree(r));
        }
        return root;
    }
}
