package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference embeddings under {@code shared/embeddings/<model>/<dataset>/<split>.npy} and the texts they were
 * made from ({@code shared/data/<dataset>/<file>.jsonl.gz}, row i = line i). See shared/embeddings/README.md
 * for the field rules encoded in {@link #of}.
 *
 * <p>Public for the conformance check and embedding benchmark in bitsieve-bench
 * ({@code org.bitsieve.bench.embed.Conformance}, {@code EmbedBench}); not used by the embedder itself.
 */
public final class ReferenceSets {
    /** One reference file and where its texts are. */
    public record RefSet(String dataset, String split, Path vectors, Path texts, String field) {
        public String label() { return dataset + "/" + split; }

        /** Rows spread evenly over the file (long and short texts alike), always including row 0. */
        public Sample sample(int n) throws IOException {
            List<String> all = TextInput.read(texts, TextInput.Format.JSONL, field);
            FloatMatrix ref = Npy.read(vectors);
            if (ref.rows() != all.size()) {
                throw new IOException(vectors + " has " + ref.rows() + " rows but " + texts + " has " + all.size()
                        + " texts");
            }
            int k = Math.min(n, all.size());
            int[] rows = new int[k];
            List<String> picked = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                rows[i] = (int) ((long) i * all.size() / k);
                picked.add(all.get(rows[i]));
            }
            return new Sample(this, rows, picked, ref.select(rows));
        }
    }

    public record Sample(RefSet set, int[] rows, List<String> texts, FloatMatrix reference) {}

    private ReferenceSets() {}

    /**
     * The shared folder: system property {@code bitsieve.shared} (the parent pom sets it), else the first of
     * ../shared and ../../shared that exists (run from the checkout root or from a module folder).
     */
    public static Path sharedDir() {
        String prop = System.getProperty("bitsieve.shared");
        if (prop != null && Files.isDirectory(Path.of(prop, "embeddings"))) {
            return Path.of(prop);
        }
        for (String candidate : List.of("../shared", "../../shared")) {
            if (Files.isDirectory(Path.of(candidate, "embeddings"))) {
                return Path.of(candidate);
            }
        }
        return Path.of(prop != null ? prop : "../shared");
    }

    public static RefSet of(Path shared, String model, String dataset, String split) {
        Path vectors = shared.resolve("embeddings").resolve(model).resolve(dataset).resolve(split + ".npy");
        Path data = shared.resolve("data").resolve(dataset);
        String file = split;
        String field = TextInput.DEFAULT_FIELD;
        if (dataset.equals("stsb") && split.startsWith("test_")) {
            file = "test";
            field = split.substring("test_".length());
        } else if (dataset.equals("scifact") && split.equals("corpus")) {
            field = "title+text";
        }
        return new RefSet(dataset, split, vectors, data.resolve(file + ".jsonl.gz"), field);
    }

    /** Every reference file of a model, sorted by dataset and split. */
    public static List<RefSet> all(Path shared, String model) throws IOException {
        Path root = shared.resolve("embeddings").resolve(model);
        List<RefSet> sets = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".npy") && !p.getParent().equals(root)) {
                    sets.add(of(shared, model, p.getParent().getFileName().toString(),
                            name.substring(0, name.length() - 4)));
                }
            }
        }
        return sets;
    }

    static double cosine(float[] a, int ao, float[] b, int bo, int dim) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < dim; j++) {
            dot += (double) a[ao + j] * b[bo + j];
            na += (double) a[ao + j] * a[ao + j];
            nb += (double) b[bo + j] * b[bo + j];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Cosine of row i of x with row i of y, for every row. */
    public static double[] rowCosines(FloatMatrix x, FloatMatrix y) {
        double[] c = new double[x.rows()];
        for (int i = 0; i < c.length; i++) {
            c[i] = cosine(x.data(), x.offset(i), y.data(), y.offset(i), x.dim());
        }
        return c;
    }
}
