package org.bitsieve.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.cli.Inputs;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.eval.EvalResult;
import org.bitsieve.core.eval.RetrievalEval;
import org.bitsieve.core.eval.SimilarityEval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The cross-domain benchmark's results and their Markdown, JSON and HTML (inline SVG plots) renderings. */
final class BenchReport {
    record Entry(String label, Encoder encoder, boolean shipped, String provenance) {}

    record Cls(String dataset, int train, int test, String note, EvalResult floatResult, List<EvalResult> rows) {}

    final String model;
    final String vectorSource;
    final String command;
    final String created = Instant.now().toString();
    final List<Entry> encoders = new ArrayList<>();
    final List<Cls> classification = new ArrayList<>();
    double stsFloat = Double.NaN;
    int stsPairs;
    final List<SimilarityEval.Result> sts = new ArrayList<>();
    RetrievalEval.Result retrievalFloat;
    int retrievalQueries;
    int retrievalDocs;
    final List<RetrievalEval.Result> retrieval = new ArrayList<>();
    double seconds;
    /** Folder the general encoders were read from ({@code bench --encoders}); null: the jar's shipped ones. */
    String generalFolder;
    /** Validation data only (bench --validation): held-out parts of the train splits and STS-B dev. */
    boolean validation;

    BenchReport(String model, String vectorSource, String command) {
        this.model = model;
        this.vectorSource = vectorSource;
        this.command = command;
    }

    /** How the general encoders are marked in tables and plots. */
    String tag() {
        return generalFolder == null ? "shipped" : "general";
    }

    /** Index of the headline encoder: the shipped one at 256 bits, else the first shipped. */
    int headline() {
        for (int i = 0; i < encoders.size(); i++) {
            if (encoders.get(i).shipped() && encoders.get(i).encoder().bits() == 256) {
                return i;
            }
        }
        return 0;
    }

    double avgFloat() {
        return classification.stream().mapToDouble(c -> c.floatResult().asymAcc10()).average().orElse(Double.NaN);
    }

    /** Standard error of an average of independent per-set differences: sqrt(sum se^2) / sets. */
    double avgSe(int e, java.util.function.ToDoubleFunction<EvalResult> se) {
        double sum = 0;
        for (Cls c : classification) {
            double x = se.applyAsDouble(c.rows().get(e));
            sum += x * x;
        }
        return Math.sqrt(sum) / classification.size();
    }

    double avgAsym(int e) {
        return classification.stream().mapToDouble(c -> c.rows().get(e).asymAcc10()).average().orElse(Double.NaN);
    }

    double avgHamming(int e) {
        return classification.stream().mapToDouble(c -> c.rows().get(e).hammingAcc10()).average().orElse(Double.NaN);
    }

    private RetrievalEval.Result ret(int e, String method) {
        Entry en = encoders.get(e);
        return retrieval.stream().filter(r -> r.encoder().equals(en.encoder().kind()) && r.bits() == en.encoder().bits()
                && r.method().equals(method)).findFirst().orElse(null);
    }

    private static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String d2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.2f", v);
    }

    /** A difference with its standard error: "-0.57 ± 0.16" (just the difference when the error is unknown). */
    private static String pm(double v, double se) {
        return Double.isNaN(se) ? d2(v) : d2(v) + String.format(Locale.ROOT, " ± %.2f", se);
    }

    // ---------------------------------------------------------------- Markdown

    String markdown() {
        StringBuilder sb = new StringBuilder();
        if (validation) {
            sb.append("# VALIDATION (no test split): held-out 20% of each train split as queries against the rest; STS-B dev\n\n");
            if (!encoders.isEmpty() && !classification.isEmpty()) {
                sb.append(String.format(Locale.ROOT, "Validation score of %s (mean over sets of (Δasym + ΔHamming) / 2, IMDB counted "
                        + "twice; docs/general-encoders.md): **%+.3f**.\n\n", encoders.get(headline()).label(), validationScore(headline())));
            }
        }
        sb.append("# Cross-domain benchmark: ").append(model).append(generalFolder == null ? ", shipped general encoders\n\n"
                : ", general encoders from " + generalFolder + "\n\n");
        sb.append("Command: `").append(command).append("` (").append(String.format(Locale.ROOT, "%.0f", seconds)).append(" s, ")
                .append(created).append(").  \nVectors: ").append(vectorSource).append(".  \n")
                .append(generalFolder == null ? "Encoders: `shipped` = fitted once on general-domain sentences and shipped in the jar (never on these sets); "
                        : "Encoders: `general` = read from " + generalFolder + " (`bitsieve fit --general --output-dir`), not the jar's; ")
                .append("the others are fitted by the benchmark on the same general sample, or read from --candidates folders. kNN: k = 10, ")
                .append(validation ? "queries = a held-out 20% of the train split, database = the rest (the columns 'train' / 'test' below).\n\n"
                        : "database = train split.\n\n");
        int h = headline();
        if (!encoders.isEmpty() && (!classification.isEmpty() || !sts.isEmpty() || retrievalFloat != null)) {
            sb.append(summaryTable(h)); // whatever tasks ran
            sb.append('\n');
        }
        sb.append(encoderTable());
        if (!classification.isEmpty()) {
            sb.append("\n## kNN accuracy per set (k = 10): asymmetric / Hamming\n\n| set | train | test | float32 |");
            for (Entry e : encoders) {
                sb.append(' ').append(e.label()).append(e.shipped() ? " (" + tag() + ")" : "").append(" |");
            }
            sb.append("\n|---|---:|---:|---:|");
            sb.append("---:|".repeat(encoders.size())).append('\n');
            for (Cls c : classification) {
                sb.append("| ").append(c.dataset()).append(" | ").append(c.train()).append(" | ").append(c.test()).append(" | ")
                        .append(f2(c.floatResult().asymAcc10())).append(" |");
                for (EvalResult r : c.rows()) {
                    sb.append(' ').append(f2(r.asymAcc10())).append(" / ").append(f2(r.hammingAcc10())).append(" |");
                }
                sb.append('\n');
            }
            for (Cls c : classification) {
                if (!c.note().isEmpty()) {
                    sb.append("\n").append(c.dataset()).append(": ").append(c.note()).append('.');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The selection protocol's decision metric (written down before any candidate ran, docs/general-encoders.md):
     * the mean over the sets of (asymmetric + Hamming kNN accuracy minus float32) / 2, IMDB weighing 2 as the only
     * set of long texts (the register of the unseen passages).
     */
    double validationScore(int h) {
        double sum = 0;
        double weights = 0;
        for (Cls c : classification) {
            EvalResult r = c.rows().get(h);
            double f = c.floatResult().asymAcc10();
            double w = c.dataset().equals("imdb") ? 2 : 1;
            sum += w * ((r.asymAcc10() - f) + (r.hammingAcc10() - f)) / 2;
            weights += w;
        }
        return sum / weights;
    }

    /** The headline: the shipped 256-bit encoder against float32, set by set, then STS-B and SciFact. */
    String summaryTable(int h) {
        StringBuilder sb = new StringBuilder();
        Entry e = encoders.get(h);
        sb.append("## Summary: ").append(e.label()).append(" (").append(tag()).append(", ").append(e.encoder().bits() / 8)
                .append(" bytes per vector) against float32\n\n");
        sb.append("| task | float32 | asymmetric | Δ ± s.e. | Hamming | Δ ± s.e. |\n|---|---:|---:|---:|---:|---:|\n");
        for (Cls c : classification) {
            EvalResult r = c.rows().get(h);
            double f = c.floatResult().asymAcc10();
            sb.append("| kNN ").append(c.dataset()).append(" | ").append(f2(f)).append(" | ").append(f2(r.asymAcc10())).append(" | ")
                    .append(pm(r.asymAcc10() - f, r.asymSe10())).append(" | ").append(f2(r.hammingAcc10())).append(" | ")
                    .append(pm(r.hammingAcc10() - f, r.hammingSe10())).append(" |\n");
        }
        if (!classification.isEmpty()) {
            double f = avgFloat();
            sb.append("| **kNN average of ").append(classification.size()).append("** | **").append(f2(f)).append("** | **")
                    .append(f2(avgAsym(h))).append("** | **").append(pm(avgAsym(h) - f, avgSe(h, EvalResult::asymSe10))).append("** | **")
                    .append(f2(avgHamming(h))).append("** | **").append(pm(avgHamming(h) - f, avgSe(h, EvalResult::hammingSe10))).append("** |\n");
        }
        if (!sts.isEmpty()) {
            SimilarityEval.Result s = sts.get(h);
            sb.append("| STS-B Spearman (").append(stsPairs).append(" pairs) | ").append(f2(stsFloat)).append(" | ").append(f2(s.asymmetric()))
                    .append(" | ").append(pm(s.asymmetric() - stsFloat, s.asymmetricSe())).append(" | ").append(f2(s.hamming())).append(" | ")
                    .append(pm(s.hamming() - stsFloat, s.hammingSe())).append(" |\n");
        }
        if (retrievalFloat != null) {
            RetrievalEval.Result a = ret(h, "asymmetric");
            RetrievalEval.Result ar = ret(h, "asymmetric + re-rank");
            RetrievalEval.Result hm = ret(h, "hamming");
            RetrievalEval.Result hr = ret(h, "hamming + re-rank");
            double f = retrievalFloat.ndcg10();
            sb.append("| SciFact nDCG@10, codes only | ").append(f2(f)).append(" | ").append(f2(a.ndcg10())).append(" | ").append(pm(a.ndcg10() - f, a.ndcg10Se()))
                    .append(" | ").append(f2(hm.ndcg10())).append(" | ").append(pm(hm.ndcg10() - f, hm.ndcg10Se())).append(" |\n");
            sb.append("| SciFact nDCG@10, top ").append(RetrievalEval.CANDIDATES).append(" re-ranked by float16 | ").append(f2(f)).append(" | ")
                    .append(f2(ar.ndcg10())).append(" | ").append(pm(ar.ndcg10() - f, ar.ndcg10Se())).append(" | ").append(f2(hr.ndcg10())).append(" | ")
                    .append(pm(hr.ndcg10() - f, hr.ndcg10Se())).append(" |\n");
            double fr = retrievalFloat.recall100();
            sb.append("| SciFact recall@100 | ").append(f2(fr)).append(" | ").append(f2(a.recall100())).append(" | ").append(d2(a.recall100() - fr))
                    .append(" | ").append(f2(hm.recall100())).append(" | ").append(d2(hm.recall100() - fr)).append(" |\n");
            sb.append("\nSciFact: ").append(retrievalQueries).append(" test queries over ").append(retrievalDocs).append(" abstracts.\n");
        }
        sb.append("\ns.e.: standard error of the difference to float32 from the finite test sample, paired over the same test items "
                + "(kNN: per test text; average: the sets' errors combined; STS-B: bootstrap over the pairs; SciFact: per query). "
                + "It does not include the spread between encoder fits (seeds).\n");
        return sb.toString();
    }

    /** One row per encoder and budget: size, and each task's headline number. */
    String encoderTable() {
        StringBuilder sb = new StringBuilder("## Every encoder: averages and headline numbers\n\n");
        sb.append("| encoder | bits | bytes/vec | ratio | kNN avg asym | Δ | kNN avg Hamming | Δ | STS asym | STS Hamming | SciFact nDCG@10 asym | + re-rank |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int dim = encoders.isEmpty() ? 0 : encoders.get(0).encoder().dimension();
        double f = avgFloat();
        sb.append("| float32 | ").append(dim * 32).append(" | ").append(dim * 4).append(" | 1x | ").append(f2(f)).append(" | | ")
                .append(f2(f)).append(" | | ").append(f2(stsFloat)).append(" | ").append(f2(stsFloat)).append(" | ")
                .append(retrievalFloat == null ? "–" : f2(retrievalFloat.ndcg10())).append(" | |\n");
        for (int i = 0; i < encoders.size(); i++) {
            Entry e = encoders.get(i);
            int bytes = (e.encoder().bits() + 7) / 8;
            RetrievalEval.Result a = retrievalFloat == null ? null : ret(i, "asymmetric");
            RetrievalEval.Result ar = retrievalFloat == null ? null : ret(i, "asymmetric + re-rank");
            sb.append("| ").append(e.encoder().kind()).append(e.shipped() ? " (" + tag() + ")" : "").append(" | ").append(e.encoder().bits())
                    .append(" | ").append(bytes).append(" | ").append(Math.round(dim * 4.0 / bytes)).append("x | ")
                    .append(f2(avgAsym(i))).append(" | ").append(d2(avgAsym(i) - f)).append(" | ")
                    .append(f2(avgHamming(i))).append(" | ").append(d2(avgHamming(i) - f)).append(" | ")
                    .append(sts.isEmpty() ? "–" : f2(sts.get(i).asymmetric())).append(" | ")
                    .append(sts.isEmpty() ? "–" : f2(sts.get(i).hamming())).append(" | ")
                    .append(a == null ? "–" : f2(a.ndcg10())).append(" | ").append(ar == null ? "–" : f2(ar.ndcg10())).append(" |\n");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- JSON

    ObjectNode json() {
        ObjectNode root = Inputs.JSON.createObjectNode();
        root.put("model", model);
        root.put("command", command);
        root.put("created", created);
        root.put("seconds", seconds);
        root.put("vectors", vectorSource);
        root.put("generalEncoders", generalFolder == null ? "shipped" : generalFolder);
        root.put("validation", validation);
        if (validation && !encoders.isEmpty() && !classification.isEmpty()) {
            ArrayNode scores = root.putArray("validationScores"); // one per encoder, in the order of "encoders"
            for (int i = 0; i < encoders.size(); i++) {
                scores.add(validationScore(i));
            }
        }
        ArrayNode enc = root.putArray("encoders");
        for (Entry e : encoders) {
            ObjectNode n = enc.addObject();
            n.put("label", e.label());
            n.put("kind", e.encoder().kind());
            n.put("bits", e.encoder().bits());
            n.put("shipped", e.shipped());
            n.put("describe", e.encoder().describe());
        }
        ArrayNode cls = root.putArray("classification");
        for (Cls c : classification) {
            ObjectNode n = cls.addObject();
            n.put("dataset", c.dataset());
            n.put("train", c.train());
            n.put("test", c.test());
            n.put("note", c.note());
            n.set("float32", Inputs.JSON.valueToTree(c.floatResult()));
            n.set("results", Inputs.JSON.valueToTree(c.rows()));
        }
        if (!sts.isEmpty()) {
            ObjectNode s = root.putObject("stsb");
            s.put("pairs", stsPairs);
            s.put("float32", stsFloat);
            s.set("results", Inputs.JSON.valueToTree(sts));
        }
        if (retrievalFloat != null) {
            ObjectNode r = root.putObject("scifact");
            r.put("queries", retrievalQueries);
            r.put("documents", retrievalDocs);
            r.set("float32", Inputs.JSON.valueToTree(retrievalFloat));
            r.set("results", Inputs.JSON.valueToTree(retrieval));
        }
        return root;
    }

    // ---------------------------------------------------------------- HTML

    String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>bitsieve bench: ").append(esc(model))
                .append("</title><style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.charts{display:flex;flex-wrap:wrap;gap:16px}")
                .append("svg{background:#fff;border:1px solid #ddd}code{background:#f3f3f3;padding:1px 4px}</style></head><body>");
        sb.append("<h1>Cross-domain benchmark: ").append(esc(model)).append("</h1>");
        sb.append("<p>Command: <code>").append(esc(command)).append("</code>, ").append(esc(created)).append(", ")
                .append(String.format(Locale.ROOT, "%.0f", seconds)).append(" s. Vectors: ").append(esc(vectorSource))
                .append(". Shipped encoders were fitted on general-domain sentences only; the others on the same sample by the benchmark.</p>");
        sb.append("<div class=\"charts\">");
        if (!classification.isEmpty()) {
            sb.append(accuracyVsBits(true)).append(accuracyVsBits(false)).append(accuracyVsSize()).append(perDataset());
        }
        if (!sts.isEmpty()) {
            sb.append(stsVsBits());
        }
        sb.append("</div>");
        sb.append(markdownTablesAsHtml(markdown()));
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** Every kind as one series over its budgets. */
    private Map<String, List<Integer>> seriesByKind() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < encoders.size(); i++) {
            Entry e = encoders.get(i);
            m.computeIfAbsent(e.encoder().kind() + (e.shipped() ? " (" + tag() + ")" : ""), k -> new ArrayList<>()).add(i);
        }
        return m;
    }

    private String accuracyVsBits(boolean asym) {
        List<Svg.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> s : seriesByKind().entrySet()) {
            double[] x = s.getValue().stream().mapToDouble(i -> encoders.get(i).encoder().bits()).toArray();
            double[] y = s.getValue().stream().mapToDouble(i -> asym ? avgAsym(i) : avgHamming(i)).toArray();
            series.add(new Svg.Series(s.getKey(), x, y));
        }
        return Svg.lines("kNN accuracy, average of " + classification.size() + " sets, " + (asym ? "asymmetric" : "Hamming"),
                "bits per vector", "accuracy (%)", series, avgFloat(), "float32 (" + f2(avgFloat()) + ")", true);
    }

    private String accuracyVsSize() {
        long vectors = classification.stream().mapToLong(c -> c.train() + c.test()).sum();
        List<Svg.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> s : seriesByKind().entrySet()) {
            double[] x = s.getValue().stream().mapToDouble(i -> vectors * ((encoders.get(i).encoder().bits() + 7) / 8) / 1e6).toArray();
            double[] y = s.getValue().stream().mapToDouble(this::avgAsym).toArray();
            series.add(new Svg.Series(s.getKey(), x, y));
        }
        int dim = encoders.get(0).encoder().dimension();
        return Svg.lines("accuracy against size of all " + vectors + " vectors (float32: " + String.format(Locale.ROOT, "%.0f", vectors * dim * 4 / 1e6)
                        + " MB)", "codes size (MB)", "kNN accuracy, asymmetric (%)", series, avgFloat(), "float32", false);
    }

    private String perDataset() {
        int h = headline();
        List<String> cats = new ArrayList<>();
        double[][] v = new double[3][classification.size()];
        for (int i = 0; i < classification.size(); i++) {
            Cls c = classification.get(i);
            cats.add(c.dataset());
            v[0][i] = c.floatResult().asymAcc10();
            v[1][i] = c.rows().get(h).asymAcc10();
            v[2][i] = c.rows().get(h).hammingAcc10();
        }
        return Svg.bars("float32 against " + encoders.get(h).label() + " (" + tag() + "), kNN accuracy per set", cats,
                List.of("float32", "asymmetric", "Hamming"), v);
    }

    private String stsVsBits() {
        List<Svg.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> s : seriesByKind().entrySet()) {
            double[] x = s.getValue().stream().mapToDouble(i -> encoders.get(i).encoder().bits()).toArray();
            double[] y = s.getValue().stream().mapToDouble(i -> sts.get(i).asymmetric()).toArray();
            series.add(new Svg.Series(s.getKey(), x, y));
        }
        return Svg.lines("STS-B Spearman, asymmetric", "bits per vector", "Spearman x 100", series, stsFloat, "float32 (" + f2(stsFloat) + ")", true);
    }

    /** Renders the Markdown report's headings, paragraphs and pipe tables as HTML (the only constructs it uses). */
    static String markdownTablesAsHtml(String md) {
        StringBuilder sb = new StringBuilder();
        boolean inTable = false;
        boolean header = false;
        for (String line : md.split("\n")) {
            if (line.startsWith("|")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                if (!inTable) {
                    sb.append("<table>");
                    inTable = true;
                    header = true;
                }
                if (cells.length > 0 && cells[0].startsWith("---")) {
                    continue;
                }
                sb.append("<tr>");
                for (String c : cells) {
                    String t = esc(c.trim()).replaceAll("\\*\\*(.+?)\\*\\*", "<b>$1</b>");
                    sb.append(header ? "<th>" : "<td>").append(t).append(header ? "</th>" : "</td>");
                }
                sb.append("</tr>");
                header = false;
                continue;
            }
            if (inTable) {
                sb.append("</table>");
                inTable = false;
            }
            if (line.startsWith("## ")) {
                sb.append("<h2>").append(esc(line.substring(3))).append("</h2>");
            } else if (line.startsWith("# ")) {
                continue; // the page has its own title
            } else if (!line.isBlank()) {
                sb.append("<p>").append(esc(line).replaceAll("`(.+?)`", "<code>$1</code>")).append("</p>");
            }
        }
        if (inTable) {
            sb.append("</table>");
        }
        return sb.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
