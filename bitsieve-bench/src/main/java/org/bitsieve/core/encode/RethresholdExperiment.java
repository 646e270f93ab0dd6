package org.bitsieve.core.encode;

import org.bitsieve.bench.InDomainValidationAccess;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.Evaluator;
import org.bitsieve.core.io.EncoderFiles;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 25 item 4, on validation data only: the shipped general witq's planes kept, only its thresholds and decoder
 * adapted to a collection's own vectors (the database part of each validation split). Variants: "decoder" (the
 * least-squares decoder refitted, bits unchanged), "recenter" (thresholds through f x the collection's mean, f as
 * fitted, decoder refitted), "median" (each plane's threshold at its median over the collection: balanced bits,
 * decoder refitted around the collection's mean). kNN k = 10, codes only, asymmetric and Hamming, minus float32.
 *
 * <pre>java -Xmx8g [-Dvariants=shipped,adapted,...] [-DtestSplit=true] -cp bitsieve-bench/target/benchmarks.jar \
 *     org.bitsieve.core.encode.RethresholdExperiment [sets=imdb,...]</pre>
 * {@code adapted} is the product's {@link WitqEncoder#adaptedTo} on what `bitsieve index --general` draws (all rows up
 * to 20,000, else a seeded sample); {@code -DtestSplit=true}: the whole train split indexed, the test split as queries
 * (AG News: the bench's 80% / 20% of its test file).
 */
public final class RethresholdExperiment {
    public static void main(String[] args) throws Exception {
        Path shared = Path.of(System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared"));
        List<String> sets = args.length > 0 ? List.of(args[0].replace("sets=", "").split(",")) : InDomainValidationAccess.sets();
        WitqEncoder general;
        try (var in = RethresholdExperiment.class.getResourceAsStream("/org/bitsieve/embed/general/all-minilm-l6-v2-256.bse")) {
            general = (WitqEncoder) EncoderFiles.load(in, "all-minilm-l6-v2-256.bse");
        }
        String[] names = System.getProperty("variants", "shipped,decoder,recenter,median").split(",");
        PlaneEncoder itq128;
        try (var in = RethresholdExperiment.class.getResourceAsStream("/org/bitsieve/embed/general/all-minilm-l6-v2-128.bse")) {
            itq128 = (PlaneEncoder) EncoderFiles.load(in, "all-minilm-l6-v2-128.bse");
        }
        double[][] sum = new double[names.length][3];
        System.out.println("| set | db / queries | float32 | " + String.join(" | ", names) + " |");
        System.out.println("|---|---|---:|" + "---:|".repeat(names.length));
        for (String set : sets) {
            InDomainValidationAccess.Split sp = Boolean.getBoolean("testSplit") ? InDomainValidationAccess.testSplit(shared, set)
                    : InDomainValidationAccess.split(shared, set);
            Evaluator ev = new Evaluator(sp.db(), sp.dbLabels(), sp.q(), sp.qLabels(), 42);
            EvalResult base = ev.floatBaseline();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d / %d | %.2f |", set, sp.db().rows(), sp.q().rows(), base.asymAcc10()));
            for (int v = 0; v < names.length; v++) {
                Encoder e = names[v].equals("itq128-adapted") ? itq128.withMedianThresholds(sp.db().rows() <= 20_000 ? sp.db() : Encoders.sample(sp.db(), 20_000, 42))
                        : names[v].equals("adapted") ? general.adaptedTo(sp.db().rows() <= 20_000 ? sp.db() : Encoders.sample(sp.db(), 20_000, 42))
                        : names[v].startsWith("ridge") ? ridgeVariant(general, sp.db(), names[v])
                        : names[v].startsWith("itq128") ? planeVariant(itq128, sp.db(), names[v]) : names[v].startsWith("median@")
                        ? variant(general, sp.db().slice(0, Math.min(sp.db().rows(), Integer.parseInt(names[v].substring(7)))), "median")
                        : variant(general, sp.db(), names[v]);
                EvalResult r = ev.evaluate(e, 0);
                double da = r.asymAcc10() - base.asymAcc10();
                double dh = r.hammingAcc10() - base.hammingAcc10();
                sum[v][0] += da;
                sum[v][1] += dh;
                sum[v][2] += r.asymRecall10();
                row.append(String.format(Locale.ROOT, " %+.2f / %+.2f (R %.3f) |", da, dh, r.asymRecall10()));
            }
            System.out.println(row);
        }
        StringBuilder avg = new StringBuilder("| **average** | | |");
        for (double[] s : sum) {
            avg.append(String.format(Locale.ROOT, " **%+.2f / %+.2f** (R %.3f) |", s[0] / sets.size(), s[1] / sets.size(), s[2] / sets.size()));
        }
        System.out.println(avg);
    }

    /** "ridge:LAMBDA@N": median thresholds on the first N rows, decoder refitted with a pull of LAMBDA rows towards the shipped one. */
    static Encoder ridgeVariant(WitqEncoder g, FloatMatrix all, String how) {
        String[] p = how.substring(6).split("@");
        double lambda = Double.parseDouble(p[0]);
        FloatMatrix x = p.length > 1 ? all.slice(0, Math.min(all.rows(), Integer.parseInt(p[1]))) : all;
        Map<String, float[]> a = g.arrays();
        float[] planes = a.get("planes");
        int d = g.dimension();
        int b = a.get("offsets").length;
        float[] mean = new float[d];
        for (int i = 0; i < x.rows(); i++) {
            for (int m = 0; m < d; m++) {
                mean[m] += x.get(i, m) / x.rows();
            }
        }
        PlaneEncoder raw = new PlaneEncoder("witq", d, planes, new float[b], Map.of());
        float[][] proj = new float[b][x.rows()];
        float[] q = new float[b];
        for (int i = 0; i < x.rows(); i++) {
            raw.project(x.data(), i * d, q);
            for (int j = 0; j < b; j++) {
                proj[j][i] = q[j];
            }
        }
        float[] offsets = new float[b];
        for (int j = 0; j < b; j++) {
            Arrays.sort(proj[j]);
            offsets[j] = proj[j][x.rows() / 2];
        }
        PlaneEncoder pe = new PlaneEncoder("witq", d, planes, offsets, Map.of());
        float[] d0 = a.get("decoder");
        float[] c0 = a.get("center");
        // prior: the shipped decoder, re-expressed around the new center (the mean shift goes to the data term)
        int n = x.rows();
        double[][] sts = new double[b][b];
        double[][] stx = new double[b][d];
        float[] pr = new float[b];
        float[] sg = new float[b];
        for (int i = 0; i < n; i++) {
            pe.project(x.data(), i * d, pr);
            for (int j = 0; j < b; j++) {
                sg[j] = pr[j] > 0 ? 1f : -1f;
            }
            for (int j = 0; j < b; j++) {
                for (int m = j; m < b; m++) {
                    sts[j][m] += sg[j] * sg[m];
                }
                for (int m = 0; m < d; m++) {
                    stx[j][m] += sg[j] * (x.get(i, m) - mean[m]);
                }
            }
        }
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < j; m++) {
                sts[j][m] = sts[m][j];
            }
            sts[j][j] += lambda + 1e-6 * n;
        }
        float[] dec = new float[b * d];
        for (int m = 0; m < d; m++) {
            double[] rhs = new double[b];
            for (int j = 0; j < b; j++) {
                rhs[j] = stx[j][m] + lambda * d0[j * d + m];
            }
            double[] sol = Linear.solve(sts, rhs);
            for (int j = 0; j < b; j++) {
                dec[j * d + m] = (float) sol[j];
            }
        }
        return new WitqEncoder(pe, mean, dec, g.params());
    }

    static Encoder planeVariant(PlaneEncoder g, FloatMatrix x, String how) {
        if (how.equals("itq128")) {
            return g;
        }
        int d = g.dimension();
        int b = g.bits();
        float[] planes = g.arrays().get("planes");
        PlaneEncoder raw = new PlaneEncoder(g.kind(), d, planes, new float[b], Map.of());
        float[][] proj = new float[b][x.rows()];
        float[] p = new float[b];
        for (int i = 0; i < x.rows(); i++) {
            raw.project(x.data(), i * d, p);
            for (int j = 0; j < b; j++) {
                proj[j][i] = p[j];
            }
        }
        float[] offsets = new float[b];
        for (int j = 0; j < b; j++) {
            Arrays.sort(proj[j]);
            offsets[j] = proj[j][x.rows() / 2];
        }
        return new PlaneEncoder(g.kind(), d, planes, offsets, g.params());
    }

    static Encoder variant(WitqEncoder g, FloatMatrix x, String how) {
        if (how.equals("shipped")) {
            return g;
        }
        Map<String, float[]> a = g.arrays();
        float[] planes = a.get("planes");
        float[] offsets = a.get("offsets").clone();
        int d = g.dimension();
        int b = offsets.length;
        float f = Float.parseFloat(g.params().get("offsetFraction"));
        float[] mean = new float[d];
        for (int i = 0; i < x.rows(); i++) {
            for (int m = 0; m < d; m++) {
                mean[m] += x.get(i, m) / x.rows();
            }
        }
        float[] center = a.get("center");
        switch (how) {
            case "decoder" -> { }
            case "recenter" -> {
                center = new float[d];
                for (int m = 0; m < d; m++) {
                    center[m] = f * mean[m];
                }
                for (int j = 0; j < b; j++) {
                    double o = 0;
                    for (int m = 0; m < d; m++) {
                        o += planes[j * d + m] * center[m];
                    }
                    offsets[j] = (float) o;
                }
            }
            case "median" -> {
                center = mean;
                PlaneEncoder raw = new PlaneEncoder("witq", d, planes, new float[b], Map.of());
                float[][] proj = new float[b][x.rows()];
                float[] p = new float[b];
                for (int i = 0; i < x.rows(); i++) {
                    raw.project(x.data(), i * d, p);
                    for (int j = 0; j < b; j++) {
                        proj[j][i] = p[j];
                    }
                }
                for (int j = 0; j < b; j++) {
                    Arrays.sort(proj[j]);
                    offsets[j] = proj[j][x.rows() / 2];
                }
            }
            default -> throw new IllegalArgumentException(how);
        }
        PlaneEncoder pe = new PlaneEncoder("witq", d, planes, offsets, Map.of());
        float[] dec = WitqKind.fitDecoder(pe, x, center);
        return new WitqEncoder(pe, center, dec, g.params());
    }
}
