package org.bitsieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.cli.Inputs;
import org.bitsieve.cli.TextEmbedding;
import org.bitsieve.cli.UserException;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextRole;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's inputs from the shared folder: texts, labels and vectors. Vectors of the default model come
 * from the reference embeddings when they exist (made by the same model; our embedder matches them to cosine
 * >= 0.999, see docs/embedding.md); everything else is embedded in-process through the embedding cache.
 */
final class BenchData {
    /** The ten classification sets; AG News has only a test split and is split 80/20 here. */
    static final List<String> CLASSIFICATION = List.of("imdb", "mr", "sst2", "trec", "banking77", "emotion", "subj", "cr", "mpqa", "agnews");
    static final double AGNEWS_TRAIN_SHARE = 0.8;

    record Labelled(FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels, String note) {}

    record Pairs(FloatMatrix a, FloatMatrix b, double[] gold) {}

    record Retrieval(FloatMatrix corpus, String[] docIds, FloatMatrix queries, List<Map<String, Integer>> qrels) {}

    private final Path shared;
    private final TextEmbedding embedding;
    private final String model;
    private final boolean useReference;
    private final long seed;

    BenchData(Path shared, TextEmbedding embedding, boolean useReference, long seed) {
        this.shared = shared;
        this.embedding = embedding;
        this.model = Models.spec(embedding.model).name();
        this.useReference = useReference;
        this.seed = seed;
    }

    String vectorSource() {
        return useReference && Files.isDirectory(reference()) ? "reference embeddings (" + reference() + ") where present, else embedded"
                : "embedded in-process with " + model;
    }

    private Path reference() {
        return shared.resolve("embeddings").resolve(model);
    }

    /**
     * The role for symmetric tasks (classification, STS): e5's model card asks for "query: " on symmetric tasks;
     * bge's query instruction is for short queries against passages only, so its symmetric texts go bare.
     */
    TextRole symmetricRole() {
        return model.startsWith("e5-") ? TextRole.QUERY : TextRole.PASSAGE;
    }

    Labelled classification(String name, int maxTrain, int maxTest) throws Exception {
        Path dir = shared.resolve("data").resolve(name);
        if (name.equals("agnews")) {
            Path f = dir.resolve("test.jsonl.gz");
            int[] y = Inputs.labels(f, "label");
            int[] perm = permutation(y.length, seed);
            int cut = (int) Math.round(y.length * AGNEWS_TRAIN_SHARE);
            int[] tr = cap(Arrays.copyOfRange(perm, 0, cut), maxTrain);
            int[] te = cap(Arrays.copyOfRange(perm, cut, perm.length), maxTest);
            int[] both = concat(tr, te);
            FloatMatrix v = vectors(name, "test", f, "text", symmetricRole(), both);
            FloatMatrix train = v.slice(0, tr.length);
            FloatMatrix test = v.slice(tr.length, both.length);
            return new Labelled(train, pick(y, tr), test, pick(y, te),
                    "the 7,600 test rows shuffled with seed " + seed + ": first 80% as train, the rest as test");
        }
        Path trf = dir.resolve("train.jsonl.gz");
        Path tef = dir.resolve("test.jsonl.gz");
        int[] ytr = Inputs.labels(trf, "label");
        int[] yte = Inputs.labels(tef, "label");
        int[] tr = null;
        int[] te = null;
        String note = "";
        if (maxTrain < ytr.length || maxTest < yte.length) {
            tr = cap(permutation(ytr.length, seed), maxTrain);
            te = cap(permutation(yte.length, seed + 1), maxTest);
            note = "seeded subsample: " + tr.length + " of " + ytr.length + " train, " + te.length + " of " + yte.length + " test";
        }
        FloatMatrix train = vectors(name, "train", trf, "text", symmetricRole(), tr);
        FloatMatrix test = vectors(name, "test", tef, "text", symmetricRole(), te);
        return new Labelled(train, tr == null ? ytr : pick(ytr, tr), test, te == null ? yte : pick(yte, te), note);
    }

    /**
     * The validation version of a set: only rows the benchmark trains on (AG News: the 80% it uses as train with
     * the default seed), split by {@link ValidationSplit}; the held-out part is the query set, the rest the database.
     * No test row is read.
     */
    Labelled validation(String name) throws Exception {
        Path dir = shared.resolve("data").resolve(name);
        if (name.equals("agnews")) {
            Path f = dir.resolve("test.jsonl.gz");
            int[] y = Inputs.labels(f, "label");
            int[] trainRows = agnewsTrainRows(y.length);
            ValidationSplit s = ValidationSplit.of(trainRows.length);
            int[] db = s.select(s.database(), trainRows);
            int[] q = s.select(s.queries(), trainRows);
            FloatMatrix v = vectors(name, "test", f, "text", symmetricRole(), concat(db, q));
            return new Labelled(v.slice(0, db.length), pick(y, db), v.slice(db.length, db.length + q.length), pick(y, q),
                    s.describe() + " of the bench's AG News train part (80% of the test rows shuffled with seed 42)");
        }
        Path trf = dir.resolve("train.jsonl.gz");
        int[] y = Inputs.labels(trf, "label");
        ValidationSplit s = ValidationSplit.of(y.length);
        FloatMatrix all = vectors(name, "train", trf, "text", symmetricRole(), null);
        return new Labelled(all.select(s.database()), pick(y, s.database()), all.select(s.queries()), pick(y, s.queries()),
                s.describe() + " of the train split");
    }

    /** AG News rows the benchmark uses as train with its default seed: validation never touches its test part. */
    static int[] agnewsTrainRows(int n) {
        int[] perm = permutation(n, 42);
        return Arrays.copyOfRange(perm, 0, (int) Math.round(n * AGNEWS_TRAIN_SHARE));
    }

    /** STS-B dev (validation) or test pairs. */
    Pairs sts(String split) throws Exception {
        Path f = shared.resolve("data/stsb/" + split + ".jsonl.gz");
        FloatMatrix a = vectors("stsb", split + "_a", f, "a", symmetricRole(), null);
        FloatMatrix b = vectors("stsb", split + "_b", f, "b", symmetricRole(), null);
        List<JsonNode> rows = jsonLines(f);
        double[] gold = new double[rows.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = rows.get(i).get("score").asDouble();
        }
        return new Pairs(a, b, gold);
    }

    Pairs sts() throws Exception {
        return sts("test");
    }

    Retrieval scifact() throws Exception {
        Path dir = shared.resolve("data/scifact");
        List<JsonNode> corpusRows = jsonLines(dir.resolve("corpus.jsonl.gz"));
        String[] ids = new String[corpusRows.size()];
        List<String> docs = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            JsonNode r = corpusRows.get(i);
            ids[i] = r.get("id").asText();
            docs.add(r.path("title").asText("") + " " + r.path("text").asText(""));
        }
        Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
        try (BufferedReader r = Inputs.reader(dir.resolve("qrels-test.tsv"))) {
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                String[] t = line.split("\t");
                if (t.length == 3) {
                    judged.computeIfAbsent(t[0], k -> new HashMap<>()).put(t[1], Integer.parseInt(t[2].trim()));
                }
            }
        }
        List<JsonNode> queryRows = jsonLines(dir.resolve("queries.jsonl.gz"));
        List<Integer> rowsOfTest = new ArrayList<>();
        List<String> queryTexts = new ArrayList<>();
        List<Map<String, Integer>> qrels = new ArrayList<>();
        for (int i = 0; i < queryRows.size(); i++) {
            Map<String, Integer> q = judged.get(queryRows.get(i).get("id").asText());
            if (q != null) {
                rowsOfTest.add(i);
                queryTexts.add(queryRows.get(i).get("text").asText());
                qrels.add(q);
            }
        }
        FloatMatrix corpus;
        FloatMatrix queries;
        Path ref = reference().resolve("scifact");
        if (useReference && Files.isRegularFile(ref.resolve("corpus.npy")) && Files.isRegularFile(ref.resolve("queries.npy"))) {
            corpus = Inputs.vectors(ref.resolve("corpus.npy"));
            queries = Inputs.vectors(ref.resolve("queries.npy")).select(rowsOfTest.stream().mapToInt(Integer::intValue).toArray());
        } else {
            corpus = embedding.embed(docs, TextRole.PASSAGE, "scifact corpus");
            queries = embedding.embed(queryTexts, TextRole.QUERY, "scifact queries");
        }
        if (corpus.rows() != ids.length) {
            throw new UserException("scifact: " + corpus.rows() + " corpus vectors for " + ids.length + " documents");
        }
        return new Retrieval(corpus, ids, queries, qrels);
    }

    /** The vectors of the rows {@code rows} (all when null) of one split: reference file, or embedded (only those rows). */
    private FloatMatrix vectors(String dataset, String split, Path texts, String field, TextRole role, int[] rows) throws Exception {
        Path ref = reference().resolve(dataset).resolve(split + ".npy");
        if (useReference && Files.isRegularFile(ref)) {
            FloatMatrix all = Inputs.vectors(ref);
            return rows == null ? all : all.select(rows);
        }
        List<JsonNode> lines = jsonLines(texts);
        List<String> t = new ArrayList<>(lines.size());
        if (rows == null) {
            for (JsonNode r : lines) {
                t.add(r.path(field).asText(""));
            }
        } else {
            for (int i : rows) {
                t.add(lines.get(i).path(field).asText(""));
            }
        }
        return embedding.embed(t, role, dataset + " " + split);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static List<JsonNode> jsonLines(Path p) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = Inputs.reader(p)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(Inputs.JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /** A seeded shuffle of 0..n-1: the same Fisher-Yates as the general-corpus sample of {@code fit --general}. */
    static int[] permutation(int n, long seed) {
        return org.bitsieve.core.Shuffle.firstOf(n, n, seed);
    }

    private static int[] cap(int[] idx, int max) {
        int[] c = idx.length > max ? Arrays.copyOf(idx, max) : idx;
        int[] s = c.clone();
        Arrays.sort(s); // keep the file order inside the subsample
        return s;
    }

    private static int[] pick(int[] y, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = y[idx[i]];
        }
        return out;
    }
}
