package org.bitsieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextInput;
import org.bitsieve.embed.TextRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "fit", mixinStandardHelpOptions = true,
        description = {"Fit an encoder on a sample of vectors (.npy or .fvecs) and save it (.bse).",
                "With --general: embed a seeded sample of the general-domain sentences (and, with --passage-share, passages) "
                        + "with --model and fit the general encoders shipped in the jar for that model (128, 256, 512 bits), "
                        + "with a provenance record each."})
public final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VECTORS", description = "Training vectors (.npy float32, float16 or float64, or .fvecs).")
    Path vectors;

    @Option(names = {"-o", "--output"}, description = "Encoder file to write (.bse).")
    Path output;

    @Option(names = {"-e", "--encoder"}, defaultValue = Encoders.DEFAULT,
            description = "Encoder family: witq (default), pcaq, itq, sign, simhash, kesieve.")
    String encoder;

    @Option(names = {"-b", "--bits"}, description = "Code length in bits (kesieve: cap, 0 = none). Default: 256; with --general: 128, 256 and 512.")
    Integer bits;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-sample", defaultValue = "100000", description = "Fit on at most this many vectors (with --general: "
            + "embed this many sentences). Default: ${DEFAULT-VALUE}.")
    int maxSample;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Encoder setting, e.g. --set weightPower=0 (witq: "
            + "componentsPerBit, weightPower, offsetFraction, factorBits). Default: the measured defaults.")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--general", description = "Fit the shipped general encoders for --model on the general-domain corpus.")
    boolean general;

    @Option(names = "--corpus", description = "General-domain corpus (JSON Lines, field 'text'). Default: <shared>/data/general_sentences/train.jsonl.gz.")
    Path corpus;

    @Option(names = "--passages", description = "With --general: the general passage corpus (JSON Lines, field 'text'). "
            + "Default: <shared>/data/general_passages/train.jsonl.gz.")
    Path passages;

    @Option(names = "--passage-share", defaultValue = "0", description = "With --general: share of the sample drawn from "
            + "the passages (0 = sentences only; 1 = passages only). When the passages run out the sample shrinks to keep "
            + "the share. Default: ${DEFAULT-VALUE}.")
    double passageShare;

    @Option(names = "--output-dir", defaultValue = "bitsieve-embed/src/main/resources/org/bitsieve/embed/general",
            description = "With --general: folder for <model>-<bits>.bse and .json. Default: ${DEFAULT-VALUE} (the embed module's resources).")
    Path outputDir;

    @Option(names = "--roles", defaultValue = "passage",
            description = "With --general: embed the sample as 'passage', 'query', or 'both' (each sentence twice, for "
                    + "models whose query and passage prefixes differ, e.g. e5: symmetric tasks use the query role). Default: ${DEFAULT-VALUE}.")
    String roles;

    @Option(names = "--coarse", description = "Fit a coarse quantiser (.bsq) for partitioned collections instead of an encoder "
            + "(bitsieve index --coarse FILE).")
    boolean coarse;

    @Option(names = "--cells", defaultValue = "4096", description = "With --coarse: number of cells. Default: ${DEFAULT-VALUE}.")
    int cells;

    @Option(names = "--projection", defaultValue = "64", description = "With --coarse: principal components the cells live in. Default: ${DEFAULT-VALUE}.")
    int projection;

    @Option(names = "--iterations", defaultValue = "10", description = "With --coarse: k-means iterations. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Mixin
    TextEmbedding embedding;

    @Override
    public Integer call() throws Exception {
        if (coarse && !general) {
            if (vectors == null || output == null) {
                throw new UserException("give VECTORS and -o FILE.bsq with --coarse");
            }
            FloatMatrix x = Inputs.vectors(vectors);
            if (x.rows() > maxSample) {
                x = x.select(new SplittableRandom(seed).ints(0, x.rows()).distinct().limit(maxSample).sorted().toArray());
            }
            long t0 = System.nanoTime();
            org.bitsieve.core.coarse.CoarseQuantizer q;
            try (Bars.Bar bar = Bars.bar("fit coarse", iterations, "iterations")) {
                q = org.bitsieve.core.coarse.CoarseQuantizer.fit(x, cells, Math.min(projection, x.dim()), iterations, seed, bar);
            }
            org.bitsieve.core.coarse.CoarseFiles.save(q, output);
            System.out.printf(Locale.ROOT, "fitted a coarse quantiser of %d cells (%d projected dimensions) in %.1fs on %d vectors -> %s%n",
                    q.cells(), q.projection(), (System.nanoTime() - t0) / 1e9, x.rows(), output);
            return 0;
        }
        if (general) {
            return fitGeneral();
        }
        if (vectors == null || output == null) {
            throw new UserException("give VECTORS and -o FILE.bse (or --general to fit the shipped general encoders)");
        }
        int b = bits != null ? bits : 256;
        FloatMatrix x = Inputs.vectors(vectors);
        Encoders.kind(encoder).checkBits(b, x.dim());
        long t0 = System.nanoTime();
        Encoder e;
        try (Bars.Bar bar = Bars.bar("fit " + encoder, 1, "steps")) {
            e = Encoders.fit(encoder, x, options(FitOptions.bits(b).withSeed(seed).withMaxSample(maxSample).withProgress(bar)));
        }
        EncoderFiles.save(e, output);
        System.out.printf(Locale.ROOT, "fitted %s in %.1fs on %d vectors -> %s%n", e.describe(),
                (System.nanoTime() - t0) / 1e9, Math.min(x.rows(), maxSample), output);
        return 0;
    }

    private int fitGeneral() throws Exception {
        String model = Models.spec(embedding.model).name();
        if (!GeneralEncoders.encoderModel(model).equals(model)) {
            throw new UserException(model + " uses the general encoders of " + GeneralEncoders.encoderModel(model)
                    + "; fit those with -m " + GeneralEncoders.encoderModel(model));
        }
        List<Integer> budgets = bits != null ? List.of(bits) : GeneralEncoders.BITS;
        Path src = corpus != null ? corpus : Inputs.requireShared("data/general_sentences/train.jsonl.gz", "the general corpus");
        if (!Files.isRegularFile(src)) {
            throw new UserException("general corpus not found: " + src + " (give --corpus FILE.jsonl.gz)");
        }
        Files.createDirectories(outputDir);
        List<String> all = TextInput.read(src, TextInput.Format.JSONL, "text");
        Path psrc = passages != null ? passages : Inputs.shared().resolve("data/general_passages/train.jsonl.gz");
        List<String> allPassages = null;
        if (passageShare > 0) {
            if (!Files.isRegularFile(psrc)) {
                throw new UserException("general passages not found: " + psrc + " (give --passages FILE.jsonl.gz)");
            }
            allPassages = TextInput.read(psrc, TextInput.Format.JSONL, "text");
        }
        GeneralSample plan;
        try {
            plan = GeneralSample.plan(maxSample, passageShare, all.size(), allPassages == null ? 0 : allPassages.size());
        } catch (IllegalArgumentException bad) {
            throw new UserException(bad.getMessage());
        }
        List<String> texts = plan.texts(all, allPassages, seed);
        String sha = sha256(src);
        String psha = allPassages == null ? null : sha256(psrc);
        System.out.printf(Locale.ROOT, "%s: %d sentences (sha256 %s), embedding a seeded sample of %d sentences and %d passages with %s%n",
                src.getFileName(), all.size(), sha.substring(0, 16), plan.sentences(), plan.passages(), model);
        FloatMatrix x = embedSample(embedding, texts, roles);
        if (coarse) {
            // validation queries: sentences outside the sample (the sample takes the first ones of the same shuffle)
            int[] order = org.bitsieve.core.Shuffle.firstOf(all.size(), all.size(), seed);
            List<String> held = new ArrayList<>();
            for (int i = plan.sentences(); i < order.length && held.size() < 1000; i++) {
                held.add(all.get(order[i]));
            }
            FloatMatrix hx = embedding.embed(held, TextRole.QUERY, "held-out validation sentences");
            ObjectNode p = Inputs.JSON.createObjectNode();
            p.put("model", model);
            p.put("corpus", "general_sentences/train.jsonl.gz");
            p.put("corpusSha256", sha);
            p.put("sample", texts.size());
            p.put("sampleSentences", plan.sentences());
            p.put("samplePassages", plan.passages());
            p.put("passageShare", passageShare);
            p.put("seed", seed);
            p.put("command", "bitsieve fit --general --coarse -m " + model + " --cells " + cells + " --projection " + projection
                    + " --iterations " + iterations + " --seed " + seed + " --max-sample " + maxSample + " --passage-share " + passageShare);
            CoarseFit.fitGeneral(x, hx, cells, projection, iterations, seed, outputDir, model, p);
            return 0;
        }
        for (int b : budgets) {
            Encoders.kind(encoder).checkBits(b, x.dim());
            long t0 = System.nanoTime();
            Encoder e;
            try (Bars.Bar bar = Bars.bar("fit " + encoder + " " + b, 1, "steps")) {
                e = Encoders.fit(encoder, x, options(FitOptions.bits(b).withSeed(seed).withMaxSample(x.rows()).withProgress(bar)));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Path bse = outputDir.resolve(model + "-" + b + ".bse");
            EncoderFiles.save(e, bse);
            ObjectNode p = Inputs.JSON.createObjectNode();
            p.put("model", model);
            p.put("bits", b);
            p.put("encoder", e.describe());
            p.put("encoderKind", e.kind());
            p.put("fingerprint", Long.toHexString(EncoderFiles.fingerprint(e)));
            p.put("corpus", "general_sentences/train.jsonl.gz");
            p.put("corpusSha256", sha);
            p.put("corpusSentences", all.size());
            p.put("sample", texts.size());
            p.put("sampleSelection", "line indices shuffled by Fisher-Yates with java.util.SplittableRandom(seed), first 'sample' taken"
                    + (allPassages == null ? "" : "; passages likewise with SplittableRandom(seed + 1), first 'samplePassages' taken"));
            p.put("passageShare", passageShare);
            p.put("sampleSentences", plan.sentences());
            p.put("samplePassages", plan.passages());
            if (allPassages != null) {
                p.put("passageCorpus", "general_passages/train.jsonl.gz");
                p.put("passageCorpusSha256", psha);
                p.put("passageCorpusPassages", allPassages.size());
            }
            p.put("seed", seed);
            p.put("roles", roles);
            p.put("embedding", model + ", " + (roles.equals("both") ? "passage and query roles (each sentence twice)" : roles + " role")
                    + ", max " + Models.spec(model).maxTokens() + " tokens, L2-normalised");
            p.put("fitSeconds", Math.round(secs * 10) / 10.0);
            StringBuilder set = new StringBuilder();
            settings.forEach((k, v) -> set.append(" --set ").append(k).append('=').append(v));
            p.put("command", "bitsieve fit --general -m " + model + (bits != null ? " -b " + b : "") + " -e " + encoder
                    + " --seed " + seed + " --max-sample " + maxSample + " --passage-share " + passageShare
                    + (roles.equals("passage") ? "" : " --roles " + roles) + set);
            p.put("bitsieve", "0.1.0");
            byte[] json = Inputs.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(p);
            AtomicFiles.write(outputDir.resolve(model + "-" + b + ".json"), o -> o.write(json));
            System.out.printf(Locale.ROOT, "fitted %s in %.1fs -> %s%n", e.describe(), secs, bse);
        }
        return 0;
    }

    private FitOptions options(FitOptions o) {
        for (java.util.Map.Entry<String, String> s : settings.entrySet()) {
            o = o.with(s.getKey(), s.getValue());
        }
        return o;
    }

    /**
     * The general sample's vectors in the given roles: 'passage', 'query', or 'both' (passage rows, then query rows).
     * Shared with {@code bitsieve bench}, whose baselines must see the vectors the shipped encoders saw.
     */
    public static FloatMatrix embedSample(TextEmbedding embedding, List<String> texts, String roles) throws Exception {
        switch (roles) {
            case "passage":
                return embedding.embed(texts, TextRole.PASSAGE, "general sample");
            case "query":
                return embedding.embed(texts, TextRole.QUERY, "general sample (query role)");
            case "both": {
                FloatMatrix a = embedding.embed(texts, TextRole.PASSAGE, "general sample (passage role)");
                FloatMatrix b = embedding.embed(texts, TextRole.QUERY, "general sample (query role)");
                float[] d = java.util.Arrays.copyOf(a.data(), a.data().length + b.data().length);
                System.arraycopy(b.data(), 0, d, a.data().length, b.data().length);
                return new FloatMatrix(d, a.rows() + b.rows(), a.dim());
            }
            default:
                throw new UserException("--roles must be passage, query or both, got '" + roles + "'");
        }
    }

    static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
