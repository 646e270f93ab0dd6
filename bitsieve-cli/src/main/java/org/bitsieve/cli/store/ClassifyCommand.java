package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.store.Classification;
import org.bitsieve.store.Collection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"kNN classification: the k nearest documents vote with their label metadata field (ties go to the nearest).",
                "With --all every row of --vector-file is classified; with --truth the accuracy is printed."})
public final class ClassifyCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Parameters(index = "1", arity = "0..1", paramLabel = "QUERY",
            description = "Query text, embedded in-process with --model (or give --vector-file).")
    String text;

    @Mixin
    QueryOptions query;

    @Option(names = "--label-field", defaultValue = "label", description = "Metadata field holding the label. Default: ${DEFAULT-VALUE}.")
    String labelField;

    @Option(names = "--all", description = "Classify every row of --vector-file (one label per line).")
    boolean all;

    @Option(names = "--truth", description = "With --all: JSON Lines with the true labels (field --label-field), one per row.")
    Path truth;

    @Option(names = {"-q", "--quiet"}, description = "With --all: print only the summary.")
    boolean quiet;

    @Override
    int run() throws IOException {
        if (!all) {
            if (truth != null) {
                throw new IllegalArgumentException("--truth needs --all");
            }
            float[] q = query.withText(text).query();
            try (Collection c = Collection.open(collection)) {
                Classification cl = c.classify(query.request(c, q), labelField);
                System.out.println("label: " + cl.label());
                StringBuilder v = new StringBuilder("votes:");
                // whole votes print as integers; shares of codes tied at the k-th Hamming distance with two decimals
                cl.votes().forEach((label, w) -> v.append(' ').append(label).append('=')
                        .append(w == Math.rint(w) ? String.valueOf(w.longValue()) : String.format(Locale.ROOT, "%.2f", w)));
                System.out.println(v);
                for (var h : cl.neighbours()) {
                    System.out.printf(Locale.ROOT, "  %9.4f  %-24s %s%n", h.score(), h.id(), StoreInputs.oneLine(h.text(), 80));
                }
            }
            return 0;
        }
        FloatMatrix qs = org.bitsieve.cli.Inputs.vectors(query.vectorFile);
        List<String> expected = truth == null ? null : truthLabels(qs.rows());
        int right = 0;
        long t0 = System.nanoTime();
        try (Collection c = Collection.open(collection);
             org.bitsieve.cli.Bars.Bar bar = new org.bitsieve.cli.Bars.Bar("classify", qs.rows(), "queries", quiet || truth == null)) {
            for (int i = 0; i < qs.rows(); i++) {
                String label = c.classify(query.request(c, qs.row(i)), labelField).label();
                if (expected != null && label.equals(expected.get(i))) {
                    right++;
                }
                if (!quiet) {
                    if (truth == null) {
                        System.out.println(label);
                    }
                }
                bar.update(i + 1, qs.rows());
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (expected != null) {
            System.out.printf(Locale.ROOT, "accuracy %.2f%% (%d/%d), k=%d, %.0f queries/s%n", 100.0 * right / qs.rows(), right, qs.rows(),
                    query.k, qs.rows() / secs);
        }
        return 0;
    }

    private List<String> truthLabels(int rows) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = org.bitsieve.cli.Inputs.reader(truth)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                var n = StoreInputs.JSON.readTree(line).get(labelField);
                if (n == null || n.isNull()) {
                    throw new IllegalArgumentException(truth + ": line " + no + " has no field '" + labelField + "'");
                }
                out.add(n.isValueNode() ? n.asText() : n.toString());
            }
        }
        if (out.size() != rows) {
            throw new IllegalArgumentException(truth + " holds " + out.size() + " labels but the query file holds " + rows + " vectors");
        }
        return out;
    }
}
