package org.bitsieve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.Evaluator;
import org.bitsieve.core.io.Npy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The adapted-collection question of issue 25 on validation data only: for each classification set, the
 * validation split of {@code bitsieve bench --validation} (its train split shuffled with seed 25, 20% held-out
 * queries, the other 80% the database; AG News: the bench's 80% train part of its test file), every encoder kind
 * fitted <b>on the database part</b> (what a collection refitting on its own documents does), kNN k = 10 codes
 * only, asymmetric and Hamming, against float32 on the same split. No test row is read.
 *
 * <pre>
 * mvn -B -ntp -o -q -DskipTests -pl bitsieve-bench -am package
 * java -Xmx4g -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.InDomainValidation \
 *     [kinds=pq,pcaq,witq,itq] [bits=256] [sets=imdb,mr,...] [settings=kind.name=value;...]
 * </pre>
 * Reference embeddings from {@code $BITSIEVE_SHARED/embeddings/all-minilm-l6-v2} (mpqa has none: not supported here);
 * labels from {@code $BITSIEVE_SHARED/data}. Results: docs/general-encoders.md, "Ideas tried under the protocol".
 */
public final class InDomainValidation {
    public static final List<String> SETS = List.of("imdb", "mr", "sst2", "trec", "banking77", "emotion", "subj", "cr", "mpqa", "agnews");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        List<String> kinds = List.of(a.getOrDefault("kinds", "pq,pcaq,witq,itq").split(","));
        int bits = Integer.parseInt(a.getOrDefault("bits", "256"));
        List<String> sets = List.of(a.getOrDefault("sets", String.join(",", SETS)).split(","));
        Map<String, FitOptions> options = new LinkedHashMap<>();
        for (String k : kinds) {
            options.put(k, FitOptions.bits(bits).withSeed(42));
        }
        for (String s : a.getOrDefault("settings", "").split(";")) {
            if (s.isBlank()) {
                continue;
            }
            String[] kv = s.split("=");
            String kind = kv[0].substring(0, kv[0].indexOf('.'));
            options.put(kind, options.get(kind).with(kv[0].substring(kind.length() + 1), kv[1]));
        }
        Path shared = Path.of(System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared"));
        Map<String, double[]> sums = new LinkedHashMap<>();
        System.out.println("| set | db / queries | float32 | " + String.join(" | ", kinds.stream().map(k -> k + " asym / Hamming (fit s)").toList()) + " |");
        System.out.println("|---|---|---:|" + "---:|".repeat(kinds.size()));
        for (String set : sets) {
            Split sp = split(shared, set);
            Evaluator ev = new Evaluator(sp.db, sp.dbLabels, sp.q, sp.qLabels, 42);
            EvalResult base = ev.floatBaseline();
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d / %d | %.2f |", set, sp.db.rows(), sp.q.rows(), base.asymAcc10()));
            for (String k : kinds) {
                long t0 = System.nanoTime();
                Encoder e = Encoders.fit(k, sp.db, options.get(k));
                double fit = (System.nanoTime() - t0) / 1e9;
                EvalResult r = ev.evaluate(e, fit);
                double da = r.asymAcc10() - base.asymAcc10();
                double dh = r.hammingAcc10() - base.hammingAcc10();
                double[] s = sums.computeIfAbsent(k, x -> new double[3]);
                s[0] += da;
                s[1] += dh;
                s[2] += r.asymRecall10();
                row.append(String.format(Locale.ROOT, " %+.2f / %+.2f (%.0f) |", da, dh, fit));
                System.err.printf(Locale.ROOT, "%s %s: asym %+.2f Hamming %+.2f R@10 asym %.3f fit %.1fs%n", set, e.describe(), da, dh, r.asymRecall10(), fit);
            }
            System.out.println(row);
        }
        StringBuilder avg = new StringBuilder("| **average** | | |");
        for (String k : kinds) {
            double[] s = sums.get(k);
            avg.append(String.format(Locale.ROOT, " %+.2f / %+.2f (R@10 asym %.3f) |", s[0] / sets.size(), s[1] / sets.size(), s[2] / sets.size()));
        }
        System.out.println(avg);
    }

    /**
     * Whose embeddings: {@code -Dmodel=NAME} reads {@code $BITSIEVE_SHARED/embeddings/NAME} (for the other bundled models,
     * embeddings made with {@code bitsieve embed -m NAME} into a folder laid out the same way).
     */
    public static final String MODEL = System.getProperty("model", "all-minilm-l6-v2");

    public record Split(FloatMatrix db, int[] dbLabels, FloatMatrix q, int[] qLabels) {}

    /** The split {@code bitsieve bench --validation} uses (BenchData.validation and ValidationSplit in the CLI). */
    public static Split split(Path shared, String set) throws Exception {
        boolean ag = set.equals("agnews");
        String file = ag ? "test" : "train";
        int[] y = labels(shared.resolve("data").resolve(set).resolve(file + ".jsonl.gz"));
        FloatMatrix all = Npy.read(shared.resolve("embeddings").resolve(MODEL).resolve(set).resolve(file + ".npy"));
        if (all.rows() != y.length) {
            throw new IllegalStateException(set + ": " + all.rows() + " vectors but " + y.length + " labels");
        }
        int[] rows;
        if (ag) {
            int[] perm = permutation(y.length, 42);
            rows = Arrays.copyOfRange(perm, 0, (int) Math.round(y.length * 0.8));
        } else {
            rows = new int[y.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = i;
            }
        }
        int n = rows.length;
        int[] p = permutation(n, 25);
        int nq = (int) Math.round(n * 0.2);
        int[] qs = Arrays.copyOfRange(p, 0, nq);
        int[] db = Arrays.copyOfRange(p, nq, n);
        Arrays.sort(qs);
        Arrays.sort(db);
        int[] qRows = new int[qs.length];
        int[] dbRows = new int[db.length];
        for (int i = 0; i < qs.length; i++) {
            qRows[i] = rows[qs[i]];
        }
        for (int i = 0; i < db.length; i++) {
            dbRows[i] = rows[db[i]];
        }
        return new Split(all.select(dbRows), pick(y, dbRows), all.select(qRows), pick(y, qRows));
    }

    /** The validation splits' shuffle: the same draw as {@code bitsieve bench --validation} and {@code fit --general}. */
    static int[] permutation(int size, long seed) { return org.bitsieve.core.Shuffle.firstOf(size, size, seed); }

    static int[] pick(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }

    /**
     * The benchmark's own split: the whole train split against the test split (AG News: the bench's 80% / 20% of its
     * test file, seed 42). Used once, after a decision made on {@link #split}.
     */
    public static Split testSplit(Path shared, String set) throws Exception {
        Path data = shared.resolve("data").resolve(set);
        Path emb = shared.resolve("embeddings").resolve(MODEL).resolve(set);
        if (!set.equals("agnews")) {
            Map<String, Integer> ids = new LinkedHashMap<>(); // one numbering for both files
            return new Split(Npy.read(emb.resolve("train.npy")), labels(data.resolve("train.jsonl.gz"), ids),
                    Npy.read(emb.resolve("test.npy")), labels(data.resolve("test.jsonl.gz"), ids));
        }
        int[] y = labels(data.resolve("test.jsonl.gz"));
        FloatMatrix all = Npy.read(emb.resolve("test.npy"));
        int[] perm = permutation(y.length, 42);
        int cut = (int) Math.round(y.length * 0.8);
        int[] tr = Arrays.copyOfRange(perm, 0, cut);
        int[] te = Arrays.copyOfRange(perm, cut, perm.length);
        Arrays.sort(tr);
        Arrays.sort(te);
        return new Split(all.select(tr), pick(y, tr), all.select(te), pick(y, te));
    }

    /** Labels by equality only (kNN needs nothing more): each distinct value gets a number. */
    static int[] labels(Path gz) throws Exception { return labels(gz, new LinkedHashMap<>()); }

    /** {@link #labels(Path)} numbering values through {@code ids}, so files read with the same map agree. */
    static int[] labels(Path gz, Map<String, Integer> ids) throws Exception {
        ObjectMapper om = new ObjectMapper();
        List<Integer> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(java.nio.file.Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = om.readTree(line).path("label");
                out.add(ids.computeIfAbsent(n.asText(), x -> ids.size()));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
