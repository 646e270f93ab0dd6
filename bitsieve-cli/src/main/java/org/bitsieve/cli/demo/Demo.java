package org.bitsieve.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.cli.Inputs;
import org.bitsieve.cli.TextEmbedding;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.StoreInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The first run of a new user, with nothing but the checkout: the Tatoeba sample shipped in the jar is embedded
 * in-process, indexed with the shipped general encoder, searched with a few example queries, and measured against
 * exact float search (size and recall@10), so every number printed comes from this run.
 */
public final class Demo {
    /** The sample: 3,000 English Tatoeba sentences (CC BY 2.0 FR; attribution in ATTRIBUTION.md next to it). */
    public static final String SAMPLE = "/org/bitsieve/cli/demo/tatoeba-sample.jsonl.gz";
    public static final List<String> QUERIES = List.of("Where is the train station?", "I am hungry, let's eat something.",
            "It will probably rain tomorrow.", "My brother plays the guitar very well.");

    /** What a run measured (the test checks these, the user reads them). */
    public record Result(int documents, long codeBytes, long float32Bytes, long folderBytes, double recallCodes,
                         double recallReranked, double embedSeconds, double totalSeconds, List<List<Hit>> exampleHits) {}

    public record Sentence(String id, String text) {}

    private final PrintStream out;

    public Demo(PrintStream out) { this.out = out; }

    /** The shipped sample sentences, in file order. */
    public static List<Sentence> sample() throws IOException {
        List<Sentence> out = new ArrayList<>();
        try (InputStream raw = Demo.class.getResourceAsStream(SAMPLE)) {
            if (raw == null) {
                throw new IOException("the demo sample " + SAMPLE + " is missing from the jar; rebuild the CLI");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = Inputs.JSON.readTree(line);
                out.add(new Sentence(n.get("id").asText(), n.get("text").asText()));
            }
        }
        return out;
    }

    /**
     * Runs the demo into {@code dir} (a previous demo collection there is replaced).
     *
     * @param queries how many sample sentences serve as queries for the recall measurement
     */
    public Result run(Path dir, TextEmbedding embedding, int bits, int queries) throws IOException {
        long t0 = System.nanoTime();
        List<Sentence> docs = sample();
        out.printf(Locale.ROOT, "bitsieve demo: %,d English sentences from Tatoeba (CC BY 2.0 FR, tatoeba.org), model %s, %d-bit codes%n",
                docs.size(), embedding.model, bits);
        Encoder enc = GeneralEncoders.find(embedding.model, bits).orElseThrow(() -> new IllegalArgumentException(
                "no shipped general encoder for model " + embedding.model + " at " + bits + " bits; available: "
                        + GeneralEncoders.available(embedding.model)));
        if (Collection.exists(dir)) {
            Collection.drop(dir); // the demo's own folder from an earlier run
        }
        List<String> texts = docs.stream().map(Sentence::text).toList();
        FloatMatrix x;
        List<float[]> q = new ArrayList<>();
        double embedSecs;
        try (TextEmbedder e = embedding.open()) {
            long te = System.nanoTime();
            x = embedding.embed(e, texts, TextRole.PASSAGE, "sample");
            embedSecs = (System.nanoTime() - te) / 1e9;
            for (String s : QUERIES) {
                q.add(embedding.embed(e, List.of(s), TextRole.QUERY, "query").row(0));
            }
        }
        List<List<Hit>> examples = new ArrayList<>();
        double recallCodes;
        double recallReranked;
        StoreInfo info;
        try (Collection c = Collection.create(dir, enc, CollectionOptions.defaults().withFloats(FloatFormat.F16))) {
            List<Doc> batch = new ArrayList<>(docs.size());
            for (int i = 0; i < docs.size(); i++) {
                batch.add(Doc.of(docs.get(i).id(), x.row(i), docs.get(i).text()));
            }
            c.add(batch);
            c.flush();
            out.printf(Locale.ROOT, "indexed %,d sentences into %s with the shipped encoder (%s)%n%n", docs.size(), dir, enc.describe());
            for (int i = 0; i < QUERIES.size(); i++) {
                List<Hit> hits = c.search(SearchRequest.of(q.get(i), 3));
                examples.add(hits);
                out.println("query: " + QUERIES.get(i));
                for (Hit h : hits) {
                    out.printf(Locale.ROOT, "  %.3f  %s%n", h.score(), h.text());
                }
            }
            recallCodes = recall(c, x, docs, queries, 1);
            recallReranked = recall(c, x, docs, queries, 10);
            info = c.info();
        }
        long codeBytes = (long) docs.size() * ((bits + 7) / 8);
        long f32 = (long) docs.size() * x.dim() * Float.BYTES;
        long folder = info.totalBytes();
        double secs = (System.nanoTime() - t0) / 1e9;
        out.println();
        out.printf(Locale.ROOT, "size:     %s of codes against %s of float32 vectors (%.0fx smaller); the collection folder holds %s "
                        + "(codes, float16 copies for re-ranking %s, texts %s, encoder %s)%n", kb(codeBytes), kb(f32), (double) f32 / codeBytes,
                kb(folder), kb(info.bytes().getOrDefault("vectors", 0L) + info.bytes().getOrDefault("wal", 0L)),
                kb(info.bytes().getOrDefault("payloads", 0L)), kb(info.bytes().getOrDefault("encoder", 0L)));
        out.printf(Locale.ROOT, "accuracy: recall@10 against exact float32 search, %d sample sentences as queries: %.1f%% with codes "
                + "alone (asymmetric), %.1f%% with the default search (top 100 codes re-ranked by float16)%n", queries, 100 * recallCodes, 100 * recallReranked);
        out.printf(Locale.ROOT, "time:     %.1f s in all, %.1f s of it embedding%n%n", secs, embedSecs);
        String d = quote(dir.toString());
        out.println("next:");
        out.println("  ./bitsieve search " + d + " \"a question of your own\"   # one query (starts a JVM and loads the model: 3-7 s)");
        out.println("  ./bitsieve shell " + d + "                             # many queries, model loaded once (25-85 ms each)");
        out.println("  ./bitsieve serve --data " + quote(dir.toAbsolutePath().getParent().toString())
                + " --key ...   # the HTTP API; README, HTTP API");
        String bundle = quote(dir.toAbsolutePath().resolveSibling("bundle").toString());
        out.println("  the page (search in the browser, no server; the page's build needs Node.js):");
        out.println("    (cd web && npm ci && npm run build) && ./bitsieve export-web " + d + " " + bundle + " --with-model --overwrite");
        out.println("    node web/scripts/serve.mjs --bundle demo=" + bundle + "   # then open http://127.0.0.1:8080/?bundle=/bundles/demo/");
        return new Result(docs.size(), codeBytes, f32, folder, recallCodes, recallReranked, embedSecs, secs, examples);
    }

    /** Share of the exact float top 10 (the query sentence itself left out) that the collection's top 10 finds. */
    private static double recall(Collection c, FloatMatrix x, List<Sentence> docs, int queries, int oversample) {
        int n = x.rows();
        int step = Math.max(1, n / queries);
        List<Integer> rows = new ArrayList<>();
        List<SearchRequest> reqs = new ArrayList<>();
        for (int qi = 0; qi < n && rows.size() < queries; qi += step) {
            rows.add(qi);
            reqs.add(SearchRequest.of(x.row(qi), 11).mode(SearchMode.ASYMMETRIC).oversample(oversample));
        }
        List<List<Hit>> all = c.searchBatch(reqs);
        long found = 0;
        long total = 0;
        for (int i = 0; i < rows.size(); i++) {
            int qi = rows.get(i);
            Set<String> exact = exactTop(x, x.row(qi), qi, 10, docs);
            Set<String> got = new HashSet<>();
            for (Hit h : all.get(i)) {
                if (!h.id().equals(docs.get(qi).id()) && got.size() < 10) {
                    got.add(h.id());
                }
            }
            got.retainAll(exact);
            found += got.size();
            total += exact.size();
        }
        return (double) found / total;
    }

    private static Set<String> exactTop(FloatMatrix x, float[] q, int self, int k, List<Sentence> docs) {
        int n = x.rows();
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            float d = 0;
            int o = x.offset(i);
            for (int j = 0; j < q.length; j++) {
                d += q[j] * x.data()[o + j];
            }
            s[i] = i == self ? Float.NEGATIVE_INFINITY : d;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(s[b], s[a]));
        Set<String> out = new HashSet<>();
        for (int i = 0; i < k; i++) {
            out.add(docs.get(idx[i]).id());
        }
        return out;
    }

    static String kb(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.2f MB", bytes / 1e6) : String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
    }

    private static String quote(String s) {
        return s.matches("[A-Za-z0-9_./-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** The default folder: the system temp folder, so a demo never writes into the checkout. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "bitsieve-demo", "sample");
    }
}
