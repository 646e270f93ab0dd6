package org.bitsieve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.eval.RetrievalEval;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.knn.KnnClassifier;
import org.bitsieve.core.search.CodesOnly;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.TopK;
import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.ProgressListener;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Codes on passages of registers no shipped encoder was fitted or chosen on: the Cranfield (aerodynamics) and CISI
 * (library science) abstracts, retrieval with their own judged queries (nDCG@10, codes only, asymmetric and Hamming,
 * against float32) and document-to-document neighbourhoods (recall@10 of 300 abstracts as queries against exact float
 * search). Encoders: the shipped general ones (and any {@code .bse} given) plus kinds fitted on the set's own abstracts,
 * which is what a collection refitting on its own documents gets. These sets are a check, never a decision: nothing
 * shipped was fitted, tuned or chosen on them (docs/general-encoders.md, "Two unseen passage sets").
 *
 * <pre>
 * mvn -B -ntp -o -q -DskipTests -pl bitsieve-bench -am package
 * java -Xmx3g -Dai.djl.offline=true -cp "bitsieve-bench/target/benchmarks.jar:bitsieve-bench/target/lib/*" org.bitsieve.bench.UnseenPassages \
 *     [sets=cranfield,cisi] [kinds=witq,itq,pcaq,pq] [encoders=old.bse,...]
 * </pre>
 * Texts from {@code $BITSIEVE_SHARED/data} (a document's {@code title} and {@code text} joined by a space; Cranfield's
 * text already starts with its title, so it is used alone; documents with no text are skipped), embedded in-process
 * with all-MiniLM-L6-v2 (queries with the query role).
 */
public final class UnseenPassages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NEIGHBOUR_QUERIES = 300;

    private UnseenPassages() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value (sets, kinds, encoders), got '" + s + "'");
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path shared = Path.of(System.getenv().getOrDefault("BITSIEVE_SHARED", "/work/shared"));
        String model = "all-minilm-l6-v2";
        try (TextEmbedder embedder = Models.open(model, EmbedOptions.defaults())) {
            for (String set : a.getOrDefault("sets", "cranfield,cisi").split(",")) {
                Map<String, Encoder> encoders = new LinkedHashMap<>();
                for (int bits : new int[] {128, 256, 512}) {
                    encoders.put("shipped " + GeneralEncoders.load(model, bits).kind() + " " + bits, GeneralEncoders.load(model, bits));
                }
                for (String f : a.getOrDefault("encoders", "").split(",")) {
                    if (!f.isBlank()) {
                        encoders.put(Path.of(f).getFileName().toString(), EncoderFiles.load(Path.of(f)));
                    }
                }
                run(shared.resolve("data").resolve(set), set, embedder, encoders, a.getOrDefault("kinds", "witq,itq,pcaq,pq").split(","));
            }
        }
    }

    private static void run(Path dir, String set, TextEmbedder embedder, Map<String, Encoder> encoders, String[] kinds) throws IOException {
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (JsonNode d : lines(dir.resolve("corpus.jsonl.gz"))) {
            String title = d.path("title").asText("").strip();
            String text = d.path("text").asText("").strip();
            String t = set.equals("cranfield") ? (text.isEmpty() ? title : text) : (title + " " + text).strip();
            if (!t.isEmpty()) {
                ids.add(d.get("id").asText());
                texts.add(t);
            }
        }
        Map<String, Map<String, Integer>> judged = new HashMap<>();
        List<String> qrels = Files.readAllLines(dir.resolve("qrels.tsv"));
        for (String l : qrels.subList(1, qrels.size())) {
            String[] p = l.split("\t");
            int score = (int) Double.parseDouble(p[2]);
            if (score > 0) {
                judged.computeIfAbsent(p[0], k -> new HashMap<>()).put(p[1], score);
            }
        }
        List<String> queryTexts = new ArrayList<>();
        List<Map<String, Integer>> rel = new ArrayList<>();
        for (JsonNode q : lines(dir.resolve("queries.jsonl.gz"))) {
            Map<String, Integer> r = judged.get(q.get("id").asText());
            if (r != null) {
                queryTexts.add(q.get("text").asText());
                rel.add(r);
            }
        }
        FloatMatrix corpus = embedder.embedAll(texts, TextRole.PASSAGE, ProgressListener.NONE);
        FloatMatrix queries = embedder.embedAll(queryTexts, TextRole.QUERY, ProgressListener.NONE);
        RetrievalEval eval = new RetrievalEval(corpus, ids.toArray(new String[0]), queries, rel);
        RetrievalEval.Result f = eval.floatBaseline();
        System.out.printf(Locale.ROOT, "%s: %d abstracts, %d judged queries; float32 nDCG@10 %.2f%n", set, corpus.rows(), queries.rows(), f.ndcg10());
        System.out.println("| encoder | nDCG@10 Δ asym | nDCG@10 Δ Hamming | neighbours R@10 asym | neighbours R@10 Hamming |");
        System.out.println("|---|---:|---:|---:|---:|");
        Map<String, Encoder> all = new LinkedHashMap<>(encoders);
        for (Map.Entry<String, Encoder> e : encoders.entrySet()) { // what `bitsieve index --general` makes of the set (IndexCommand.adapt)
            if (e.getValue() instanceof org.bitsieve.core.encode.WitqEncoder w && w.factorBits() == 0 && corpus.rows() >= 1000) {
                all.put(e.getKey() + ", thresholds adapted to the set", w.adaptedTo(corpus.rows() <= 20_000 ? corpus : Encoders.sample(corpus, 20_000, 42)));
            }
        }
        for (String kind : kinds) {
            all.put(kind + " 256 fitted on the set", Encoders.fit(kind, corpus, FitOptions.bits(256)));
        }
        int nq = Math.min(NEIGHBOUR_QUERIES, corpus.rows());
        FloatMatrix nqs = corpus.slice(0, nq);
        TopK[] ref = FloatSearch.topK(corpus, nqs, 11); // each abstract finds itself first; every method gets the same
        for (Map.Entry<String, Encoder> e : all.entrySet()) {
            Encoder enc = e.getValue();
            double asym = 0;
            double ham = 0;
            double asymSe = 0;
            double hamSe = 0;
            for (RetrievalEval.Result r : eval.evaluate(enc)) {
                if (r.method().equals("asymmetric")) {
                    asym = r.ndcg10() - f.ndcg10();
                    asymSe = r.ndcg10Se();
                } else if (r.method().equals("hamming")) {
                    ham = r.ndcg10() - f.ndcg10();
                    hamSe = r.ndcg10Se();
                }
            }
            CodesOnly top = CodesOnly.topK(enc, corpus, nqs, 11);
            System.out.printf(Locale.ROOT, "| %s | %+.2f ± %.2f | %+.2f ± %.2f | %.3f | %.3f |%n", e.getKey(), asym, asymSe, ham, hamSe,
                    KnnClassifier.recallAt(top.asymmetric(), ref, 11), KnnClassifier.recallAt(top.hamming(), ref, 11));
        }
    }

    private static List<JsonNode> lines(Path gz) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }
}
