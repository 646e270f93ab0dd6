package org.bitsieve.core.encode;

import org.bitsieve.bench.InDomainValidation;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.Evaluator;
import org.bitsieve.core.io.EncoderFiles;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 25 item 4 (docs/general-encoders.md, "Adapted thresholds"): the shipped general encoders with their planes kept
 * and their thresholds and decoder fitted to a collection's own vectors (each split's database part). kNN k = 10,
 * codes only, asymmetric and Hamming, minus float32; R = asymmetric recall@10 against exact float search; V = the
 * protocol's metric over the sets run (mean of the two differences, IMDB weighted 2). In this
 * package because the variants below the product's own ({@code adapted}) build encoders from their parts.
 *
 * <pre>
 * java -Xmx8g [-Dvariants=shipped,adapted] [-DtestSplit=true] -cp bitsieve-bench/target/benchmarks.jar \
 *     org.bitsieve.core.encode.AdaptedThresholdsValidation [sets=imdb,...]
 * </pre>
 * Variants of the 256-bit witq: {@code shipped}; {@code adapted} ({@link WitqEncoder#adaptedTo} on what `bitsieve index`
 * draws: every row up to 20,000, else a seeded sample); {@code decoder} (decoder refitted, bits unchanged); {@code
 * recenter} (thresholds through 0.75 x the collection's mean, decoder refitted); {@code median} (median thresholds,
 * decoder refitted without pull); {@code median@N} (the same on the first N rows); {@code ridge:L[@N]} (median
 * thresholds, decoder pulled towards the shipped one with the weight of L rows). The 128-bit itq: {@code itq128},
 * {@code itq128-adapted} ({@link PlaneEncoder#withMedianThresholds}). {@code fit:KIND}: a 256-bit encoder of that kind
 * fitted on the collection's own rows (what a refit's candidate is). {@code -DhammingRecall=true} adds H, Hamming
 * recall@10 against exact float search. Validation splits by default (no test row);
 * {@code -DtestSplit=true}: the whole train split indexed, the test split as queries. {@code -Dmodel=NAME}: another
 * bundled model's shipped encoders and embeddings (InDomainValidation.MODEL; their 256-bit encoder is itq, adapted by
 * median thresholds as `bitsieve index` does).
 */
public final class AdaptedThresholdsValidation {
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared"));
        List<String> sets = args.length > 0 ? List.of(args[0].replace("sets=", "").split(",")) : InDomainValidation.SETS.stream().filter(s -> !s.equals("mpqa")).toList() /* no reference embeddings */;
        // the other bundled models ship itq at 256 bits: only shipped, adapted and itq128* apply to them
        Encoder general = shipped(InDomainValidation.MODEL + "-256.bse");
        WitqEncoder witq = general instanceof WitqEncoder w ? w : null;
        PlaneEncoder itq = (PlaneEncoder) shipped(InDomainValidation.MODEL + "-128.bse");
        String[] names = System.getProperty("variants", "shipped,adapted").split(",");
        double[][] sum = new double[names.length][4]; // asym, Hamming, recall, weighted (asym + Hamming) / 2
        double weights = 0;
        System.out.println("| set | db / queries | float32 | " + String.join(" | ", names) + " |");
        System.out.println("|---|---|---:|" + "---:|".repeat(names.length));
        for (String set : sets) {
            InDomainValidation.Split sp = Boolean.getBoolean("testSplit") ? InDomainValidation.testSplit(shared, set)
                    : InDomainValidation.split(shared, set);
            Evaluator ev = new Evaluator(sp.db(), sp.dbLabels(), sp.q(), sp.qLabels(), 42);
            EvalResult base = ev.floatBaseline();
            double w = set.equals("imdb") ? 2 : 1; // the protocol's V (docs/general-encoders.md): IMDB weighted 2
            weights += w;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d / %d | %.2f |", set, sp.db().rows(), sp.q().rows(), base.asymAcc10()));
            for (int v = 0; v < names.length; v++) {
                EvalResult r = ev.evaluate(names[v].equals("shipped") ? general : names[v].equals("adapted") && witq == null
                        ? ((PlaneEncoder) general).withMedianThresholds(indexSample(sp.db())) : variant(witq, itq, sp.db(), names[v]), 0);
                double da = r.asymAcc10() - base.asymAcc10();
                double dh = r.hammingAcc10() - base.hammingAcc10();
                sum[v][0] += da;
                sum[v][1] += dh;
                sum[v][2] += r.asymRecall10();
                sum[v][3] += w * (da + dh) / 2;
                row.append(String.format(Locale.ROOT, " %+.2f / %+.2f (R %.3f%s) |", da, dh, r.asymRecall10(),
                        Boolean.getBoolean("hammingRecall") ? String.format(Locale.ROOT, ", H %.3f", r.hammingRecall10()) : ""));
            }
            System.out.println(row);
        }
        StringBuilder avg = new StringBuilder("| **average** | | |");
        for (double[] s : sum) {
            avg.append(String.format(Locale.ROOT, " **%+.2f / %+.2f** (R %.3f, V %+.3f) |", s[0] / sets.size(), s[1] / sets.size(),
                    s[2] / sets.size(), s[3] / weights));
        }
        System.out.println(avg);
    }

    static Encoder shipped(String file) throws Exception {
        try (var in = AdaptedThresholdsValidation.class.getResourceAsStream("/org/bitsieve/embed/general/" + file)) {
            return EncoderFiles.load(in, file);
        }
    }

    /** What `bitsieve index` fits on: every row up to 20,000, else a seeded uniform sample (IndexCommand.ADAPT_SAMPLE). */
    static FloatMatrix indexSample(FloatMatrix db) { return db.rows() <= 20_000 ? db : Encoders.sample(db, 20_000, 42); }

    static Encoder variant(WitqEncoder g, PlaneEncoder itq, FloatMatrix db, String how) {
        switch (how) {
            case "shipped": return g;
            case "adapted": return g.adaptedTo(indexSample(db));
            case "itq128": return itq;
            case "itq128-adapted": return itq.withMedianThresholds(indexSample(db));
            default: break;
        }
        if (how.startsWith("fit:")) { // what a refit's candidate of that kind would be: fitted on the collection's own rows
            return Encoders.fit(how.substring(4), indexSample(db), FitOptions.bits(256).withSeed(42));
        }
        String[] at = how.split("@");
        FloatMatrix x = at.length > 1 ? db.slice(0, Math.min(db.rows(), Integer.parseInt(at[1]))) : db;
        Map<String, float[]> a = g.arrays();
        int d = g.dimension();
        PlaneEncoder planes = new PlaneEncoder("witq", d, a.get("planes"), a.get("offsets"), Map.of());
        double[] mu = org.bitsieve.core.linalg.Pca.columnMeans(x);
        float[] mean = new float[d];
        for (int m = 0; m < d; m++) {
            mean[m] = (float) mu[m];
        }
        float[] center = mean;
        float[] prior = null;
        double lambda = 0;
        if (at[0].equals("decoder")) {
            center = a.get("center");
        } else if (at[0].equals("recenter")) {
            float f = Float.parseFloat(g.params().get("offsetFraction"));
            center = new float[d];
            float[] offsets = new float[planes.bits()];
            for (int m = 0; m < d; m++) {
                center[m] = f * mean[m];
            }
            for (int j = 0; j < offsets.length; j++) {
                offsets[j] = Vectors.dot(a.get("planes"), j * d, center, 0, d);
            }
            planes = new PlaneEncoder("witq", d, a.get("planes"), offsets, Map.of());
        } else if (at[0].equals("median") || at[0].startsWith("ridge:")) {
            planes = planes.withMedianThresholds(x);
            if (at[0].startsWith("ridge:")) {
                prior = a.get("decoder");
                lambda = Double.parseDouble(at[0].substring(6));
            }
        } else {
            throw new IllegalArgumentException("unknown variant " + how);
        }
        return new WitqEncoder(planes, center, WitqKind.fitDecoder(planes, x, center, prior, lambda, 1), g.params());
    }
}
