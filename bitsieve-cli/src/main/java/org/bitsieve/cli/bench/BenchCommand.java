package org.bitsieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.cli.Bars;
import org.bitsieve.cli.Inputs;
import org.bitsieve.cli.TextEmbedding;
import org.bitsieve.cli.UserException;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.Evaluator;
import org.bitsieve.core.eval.RetrievalEval;
import org.bitsieve.core.eval.SimilarityEval;
import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextInput;
import org.bitsieve.embed.TextRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Cross-domain benchmark of the shipped general encoders (never fitted on the evaluated sets) against float32",
                "of the same model: kNN classification on ten sets, STS-B Spearman, SciFact nDCG@10 / recall@100 with and without",
                "re-ranking. Baseline encoders are fitted on the same general-domain sample. Writes bench.md, bench.json and a",
                "self-contained bench.html with plots.",
                "Example: bitsieve bench  (all-minilm-l6-v2);  bitsieve bench -m bge-small-en-v1.5 --max-train 5000 --max-test 2000"})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    TextEmbedding embedding;

    @Option(names = {"-b", "--bits"}, split = ",", defaultValue = "128,256,512", description = "Bit budgets. Default: ${DEFAULT-VALUE}.")
    List<Integer> bits;

    @Option(names = "--baselines", split = ",", defaultValue = "pcaq,itq,sign,simhash",
            description = "Other encoder kinds to fit on the general sample for comparison ('none' for none). Default: ${DEFAULT-VALUE}.")
    List<String> baselines;

    @Option(names = "--datasets", split = ",", description = "Classification sets. Default: imdb, mr, sst2, trec, banking77, emotion, subj, cr, mpqa, agnews.")
    List<String> datasets;

    @Option(names = "--tasks", split = ",", defaultValue = "classification,sts,retrieval", description = "Default: ${DEFAULT-VALUE}.")
    List<String> tasks;

    @Option(names = "--max-train", defaultValue = "2147483647", description = "Cap on train rows per classification set (seeded subsample).")
    int maxTrain;

    @Option(names = "--max-test", defaultValue = "2147483647", description = "Cap on test rows per classification set (seeded subsample).")
    int maxTest;

    @Option(names = "--no-reference", description = "Embed every text in-process even where reference embeddings exist.")
    boolean noReference;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for kNN database order and splits. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, description = "Output folder. Default: results/bench/<model>.")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.") boolean quiet;

    @Option(names = "--encoders", paramLabel = "DIR", description = {"Benchmark the general encoders in DIR (<model>-<bits>.bse and",
            ".json, as written by bitsieve fit --general --output-dir DIR) instead of the ones shipped in the jar."})
    Path encodersDir;

    @Option(names = "--candidates", split = ",", paramLabel = "DIR", description = {"More general-encoder folders (as for --encoders) to",
            "measure next to the headline encoder, each labelled with its folder: one run shares the data and the float32 kNN."})
    List<Path> candidates = List.of();

    @Option(names = "--validation", description = {"Validation data only, for choosing general encoders: kNN with a held-out 20% of",
            "each train split as queries against the rest, and STS-B dev; no test split is read (docs/general-encoders.md,",
            "selection protocol). Writes results/validation/<model> by default."})
    boolean validation;

    @Override
    public Integer call() throws Exception {
        Bars.quiet = quiet;
        long t0 = System.nanoTime();
        String model = Models.spec(embedding.model).name();
        List<String> sets = datasets != null ? datasets : BenchData.CLASSIFICATION;
        for (String d : sets) {
            if (!BenchData.CLASSIFICATION.contains(d)) {
                throw new UserException("unknown classification set '" + d + "'; known: " + String.join(", ", BenchData.CLASSIFICATION));
            }
        }
        for (String t : tasks) {
            if (!List.of("classification", "sts", "retrieval").contains(t)) {
                throw new UserException("unknown task '" + t + "'; known: classification, sts, retrieval");
            }
        }
        if (validation && tasks.contains("retrieval")) {
            if (tasks.equals(List.of("classification", "sts", "retrieval"))) {
                tasks = List.of("classification", "sts"); // the default task list: SciFact has no validation split here
            } else {
                throw new UserException("--validation covers classification and sts (SciFact has no validation split here)");
            }
        }
        if (validation && (maxTrain != Integer.MAX_VALUE || maxTest != Integer.MAX_VALUE)) {
            throw new UserException("--validation uses the protocol's fixed split; --max-train / --max-test do not apply");
        }
        List<String> kinds = baselines.contains("none") ? List.of() : baselines;
        for (String k : kinds) {
            Encoders.kind(k);
        }
        Path shared = Inputs.requireShared("data", "the benchmark's datasets").getParent();
        BenchData data = new BenchData(shared, embedding, !noReference, seed);
        BenchReport report = new BenchReport(model, data.vectorSource(), commandLine());
        report.generalFolder = encodersDir == null ? null : encodersDir.toString();
        report.validation = validation;

        // shipped (or --encoders) general encoders first: the point of the benchmark
        for (int b : bits) {
            Encoder e = encodersDir == null ? GeneralEncoders.load(model, b) : EncoderFiles.load(generalFile(model, b, ".bse"));
            report.encoders.add(new BenchReport.Entry(label(e), e, true, provenance(model, b).orElse("")));
        }
        for (Path dir : candidates) {
            for (int b : bits) {
                Path f = dir.resolve(GeneralEncoders.encoderModel(model) + "-" + b + ".bse");
                if (!Files.isRegularFile(f)) {
                    throw new UserException("no " + f + ": --candidates expects folders written by bitsieve fit --general --output-dir");
                }
                Encoder e = EncoderFiles.load(f);
                report.encoders.add(new BenchReport.Entry(label(e) + " @ " + dir, e, false, ""));
            }
        }
        if (!kinds.isEmpty()) {
            FloatMatrix general = generalSample(shared, model);
            for (String k : kinds) {
                for (int b : bits) {
                    try {
                        Encoders.kind(k).checkBits(b, general.dim());
                    } catch (IllegalArgumentException skip) {
                        System.err.println("skipping " + k + " at " + b + " bits: " + skip.getMessage());
                        continue;
                    }
                    long f0 = System.nanoTime();
                    Encoder e = Encoders.fit(k, general, FitOptions.bits(b).withSeed(seed));
                    System.err.printf(Locale.ROOT, "fitted %s on the general sample in %.1fs%n", e.describe(), (System.nanoTime() - f0) / 1e9);
                    report.encoders.add(new BenchReport.Entry(label(e), e, false, ""));
                }
            }
        }

        if (tasks.contains("classification")) {
            for (String d : sets) {
                BenchData.Labelled l = validation ? data.validation(d) : data.classification(d, maxTrain, maxTest);
                System.err.printf(Locale.ROOT, "%s: %d train / %d test%n", d, l.train().rows(), l.test().rows());
                Evaluator ev = new Evaluator(l.train(), l.trainLabels(), l.test(), l.testLabels(), seed);
                EvalResult base = ev.floatBaseline();
                List<EvalResult> rows = new ArrayList<>();
                try (Bars.Bar bar = new Bars.Bar("kNN " + d, report.encoders.size(), "encoders", quiet)) {
                    for (BenchReport.Entry e : report.encoders) {
                        rows.add(ev.evaluate(e.encoder(), 0));
                        bar.update(rows.size(), report.encoders.size());
                    }
                }
                report.classification.add(new BenchReport.Cls(d, l.train().rows(), l.test().rows(), l.note(), base, rows));
                System.err.printf(Locale.ROOT, "  float32 %.2f, %s asym %.2f, Hamming %.2f%n", base.asymAcc10(),
                        report.encoders.get(0).label(), rows.get(0).asymAcc10(), rows.get(0).hammingAcc10());
            }
        }
        if (tasks.contains("sts")) {
            BenchData.Pairs p = data.sts(validation ? "dev" : "test");
            SimilarityEval se = new SimilarityEval(p.a(), p.b(), p.gold());
            report.stsFloat = se.floatSpearman();
            report.stsPairs = p.gold().length;
            for (BenchReport.Entry e : report.encoders) {
                report.sts.add(se.evaluate(e.encoder()));
            }
            System.err.printf(Locale.ROOT, "STS-B: float32 %.2f, %s asym %.2f%n", report.stsFloat, report.encoders.get(0).label(),
                    report.sts.get(0).asymmetric());
        }
        if (tasks.contains("retrieval")) {
            BenchData.Retrieval r = data.scifact();
            RetrievalEval re = new RetrievalEval(r.corpus(), r.docIds(), r.queries(), r.qrels());
            report.retrievalFloat = re.floatBaseline();
            report.retrievalQueries = r.queries().rows();
            report.retrievalDocs = r.corpus().rows();
            for (BenchReport.Entry e : report.encoders) {
                report.retrieval.addAll(re.evaluate(e.encoder()));
            }
            System.err.printf(Locale.ROOT, "SciFact: float32 nDCG@10 %.2f%n", report.retrievalFloat.ndcg10());
        }
        report.seconds = (System.nanoTime() - t0) / 1e9;
        Path dir = out != null ? out : Path.of("results", validation ? "validation" : "bench", model);
        Files.createDirectories(dir);
        String md = report.markdown();
        AtomicFiles.write(dir.resolve("bench.md"), o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
        byte[] html = report.html().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve("bench.html"), o -> o.write(html));
        byte[] json = Inputs.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report.json());
        AtomicFiles.write(dir.resolve("bench.json"), o -> o.write(json));
        System.out.println(md);
        System.out.println("wrote " + dir.resolve("bench.md") + ", bench.html and bench.json");
        return 0;
    }

    /** A general encoder's file in --encoders DIR, named as bitsieve fit --general names it. */
    private Path generalFile(String model, int b, String ext) {
        Path f = encodersDir.resolve(GeneralEncoders.encoderModel(model) + "-" + b + ext);
        if (ext.equals(".bse") && !Files.isRegularFile(f)) {
            throw new UserException("no " + f + ": --encoders expects the files of bitsieve fit --general -m " + model
                    + " -b " + b + " --output-dir " + encodersDir);
        }
        return f;
    }

    private Optional<String> provenance(String model, int b) throws IOException {
        if (encodersDir == null) {
            return GeneralEncoders.provenance(model, b);
        }
        Path f = generalFile(model, b, ".json");
        return Files.isRegularFile(f) ? Optional.of(Files.readString(f)) : Optional.empty();
    }

    private static String label(Encoder e) {
        String factor = e.params().get("factorBits"); // witq's correction factor takes bits from the planes: say so
        return e.kind() + " " + e.bits() + (factor == null ? "" : " (factorBits=" + factor + ")");
    }

    /**
     * The general-domain sample the shipped encoders were fitted on, read back from the shipped provenance record
     * (sample size, seed), so that baselines see exactly the same sentences (and hit the embedding cache).
     */
    private FloatMatrix generalSample(Path shared, String model) throws Exception {
        String prov = provenance(model, bits.get(0)).orElseThrow(() ->
                new UserException("the general encoder of " + model + " at " + bits.get(0) + " bits has no provenance record "
                        + "(.json next to the .bse); regenerate it with bitsieve fit --general"));
        JsonNode p = Inputs.JSON.readTree(prov);
        long sampleSeed = p.get("seed").asLong();
        Path corpus = shared.resolve("data").resolve(p.get("corpus").asText());
        List<String> all = TextInput.read(corpus, TextInput.Format.JSONL, "text");
        // records written before passages existed: sentences only
        int passages = p.path("samplePassages").asInt(0);
        int sentences = p.has("sampleSentences") ? p.get("sampleSentences").asInt() : p.get("sample").asInt();
        List<String> allPassages = passages == 0 ? null
                : TextInput.read(shared.resolve("data").resolve(p.get("passageCorpus").asText()), TextInput.Format.JSONL, "text");
        List<String> texts = new org.bitsieve.cli.GeneralSample(sentences, passages).texts(all, allPassages, sampleSeed);
        // records written before roles existed embedded passages
        String roles = p.hasNonNull("roles") ? p.get("roles").asText() : "passage";
        return org.bitsieve.cli.FitCommand.embedSample(embedding, texts, roles);
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("bitsieve bench");
        if (!embedding.model.equals(Models.DEFAULT)) {
            sb.append(" -m ").append(embedding.model);
        }
        if (encodersDir != null) {
            sb.append(" --encoders ").append(encodersDir);
        }
        if (!candidates.isEmpty()) {
            sb.append(" --candidates ").append(String.join(",", candidates.stream().map(Path::toString).toList()));
        }
        if (!bits.equals(List.of(128, 256, 512))) {
            sb.append(" -b ").append(String.join(",", bits.stream().map(String::valueOf).toList()));
        }
        if (!baselines.equals(List.of("pcaq", "itq", "sign", "simhash"))) {
            sb.append(" --baselines ").append(String.join(",", baselines));
        }
        if (datasets != null) {
            sb.append(" --datasets ").append(String.join(",", datasets));
        }
        if (!tasks.equals(List.of("classification", "sts", "retrieval"))) {
            sb.append(" --tasks ").append(String.join(",", tasks));
        }
        if (maxTrain != Integer.MAX_VALUE) {
            sb.append(" --max-train ").append(maxTrain);
        }
        if (maxTest != Integer.MAX_VALUE) {
            sb.append(" --max-test ").append(maxTest);
        }
        if (noReference) {
            sb.append(" --no-reference");
        }
        if (seed != 42) {
            sb.append(" --seed ").append(seed);
        }
        if (validation) {
            sb.append(" --validation");
        }
        return sb.toString();
    }
}
