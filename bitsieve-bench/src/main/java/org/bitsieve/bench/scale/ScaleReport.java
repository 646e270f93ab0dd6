package org.bitsieve.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders scale.json as a self-contained HTML page: a table per size and SVG curves (log-scale document axis). */
final class ScaleReport {
    private ScaleReport() {}

    @SuppressWarnings("unchecked")
    static String html(Map<String, Object> res) {
        StringBuilder h = new StringBuilder("<!doctype html><meta charset=utf-8><title>bitsieve scale benchmark</title>"
                + "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}svg{margin:0 1em 1em 0;border:1px solid #ddd}pre{white-space:pre-wrap}</style>"
                + "<h1>bitsieve scale benchmark</h1>");
        h.append("<pre>").append(esc(String.valueOf(res.get("setup")))).append("</pre>");
        if (res.get("notes") instanceof List<?> notes) {
            h.append("<ul>");
            notes.forEach(n -> h.append("<li>").append(esc(String.valueOf(n))));
            h.append("</ul>");
        }
        if (res.get("ingest") != null) {
            h.append("<h2>Bulk-load cost</h2><pre>").append(esc(String.valueOf(res.get("ingest")))).append("</pre>");
        }
        if (res.get("similarity") != null) {
            h.append("<h2>Generator vs real vectors (equal samples)</h2><pre>").append(esc(String.valueOf(res.get("similarity")))).append("</pre>");
        }
        Map<String, Object> sizes = (Map<String, Object>) res.get("sizes");
        if (sizes == null) {
            return h.toString();
        }
        TreeMap<Long, Map<String, Object>> bySize = new TreeMap<>();
        sizes.forEach((k, v) -> bySize.put(Long.parseLong(k), (Map<String, Object>) v));
        h.append("<h2>Per size</h2><table><tr><th>docs<th>floats<th>mode<th>recall@10 vs float<th>recall@10 vs exact codes<th>p50 ms<th>p99 ms"
                + "<th>QPS (2 threads)<th>ingest docs/s<th>open s<th>heap MB<th>RSS MB<th>disk B/doc</tr>");
        Map<String, List<double[]>> p50 = new TreeMap<>();
        Map<String, List<double[]>> rec = new TreeMap<>();
        List<double[]> ingest = new ArrayList<>();
        List<double[]> disk = new ArrayList<>();
        for (var e : bySize.entrySet()) {
            Map<String, Object> r = e.getValue();
            double x = e.getKey();
            ingest.add(new double[] {x, num(r, "ingest_docs_per_s")});
            disk.add(new double[] {x, num(r, "disk_bytes_per_doc")});
            if (!r.containsKey("modes")) { // built, not searched yet
                continue;
            }
            for (Map<String, Object> m : (List<Map<String, Object>>) r.get("modes")) {
                boolean dflt = Boolean.TRUE.equals(m.get("default_nprobe"));
                // the default's nprobe differs by size: one curve of its own, its value in the table
                String series = m.get("mode") + (dflt ? " default nprobe" : num(m, "nprobe") > 0 ? " nprobe " + (long) num(m, "nprobe") : "");
                String name = dflt ? series + " (" + (long) num(m, "nprobe") + ")" : series;
                p50.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {x, num(m, "p50_ms")});
                rec.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {x, num(m, "recall_at_10_vs_exact_float")});
                h.append(String.format(Locale.ROOT, "<tr><td>%,d<td>%s<td style=text-align:left>%s<td>%.4f<td>%.4f<td>%.2f<td>%.2f<td>%.1f<td>%,.0f<td>%.1f<td>%.0f<td>%.0f<td>%.1f</tr>",
                        e.getKey(), r.get("floats"), esc(name), num(m, "recall_at_10_vs_exact_float"), num(m, "recall_at_10_vs_exact_codes"),
                        num(m, "p50_ms"), num(m, "p99_ms"), num(m, "qps_2_threads"), num(r, "ingest_docs_per_s"), num(r, "open_seconds"),
                        num(r, "heap_mb"), num(r, "rss_mb"), num(r, "disk_bytes_per_doc")));
            }
        }
        h.append("</table><h2>Curves</h2>");
        h.append(chart("p50 latency (ms)", p50, true)).append(chart("recall@10 vs exact float", rec, false));
        h.append(chart("ingest docs/s (store time)", Map.of("bulk load", ingest), false));
        // the partitioned search's own curve: recall and latency against nprobe, per size
        for (var e : bySize.entrySet()) {
            Map<String, List<double[]>> rn = new TreeMap<>();
            Map<String, List<double[]>> ln = new TreeMap<>();
            for (Map<String, Object> m : (List<Map<String, Object>>) e.getValue().getOrDefault("modes", List.of())) {
                double np = num(m, "nprobe");
                if (np > 0 && !Boolean.TRUE.equals(m.get("default_nprobe"))) { // the default repeats a point of the sweep or sits between
                    rn.computeIfAbsent(String.valueOf(m.get("mode")), k -> new ArrayList<>()).add(new double[] {np, num(m, "recall_at_10_vs_exact_float")});
                    ln.computeIfAbsent(String.valueOf(m.get("mode")), k -> new ArrayList<>()).add(new double[] {np, num(m, "p50_ms")});
                }
            }
            if (e.getValue().get("faiss_ivf") instanceof Map<?, ?> f) { // the anchor's curve beside ours (Hamming queries)
                for (Map<String, Object> m : (List<Map<String, Object>>) f.get("rows")) {
                    double np = num(m, "nprobe");
                    if (np > 0) {
                        rn.computeIfAbsent(FAISS, k -> new ArrayList<>()).add(new double[] {np, num(m, "recall_at_10_vs_exact_float")});
                        ln.computeIfAbsent(FAISS, k -> new ArrayList<>()).add(new double[] {np, num(m, "p50_ms")});
                    }
                }
            }
            if (!rn.isEmpty()) {
                h.append(chart(String.format(Locale.ROOT, "%,d docs: recall@10 vs exact float by nprobe", e.getKey()), rn, false)
                        .replace("docs (log scale)", "nprobe (log scale)"));
                h.append(chart(String.format(Locale.ROOT, "%,d docs: p50 ms by nprobe", e.getKey()), ln, true)
                        .replace("docs (log scale)", "nprobe (log scale)"));
            }
        }
        h.append(chart("disk bytes per document", Map.of("all files", disk), false));
        h.append(faissTables(bySize));
        return h.toString();
    }

    private static final String FAISS = "FAISS IndexBinaryIVF, same codes (Hamming query, 1 thread)";

    @SuppressWarnings("unchecked")
    private static String faissTables(TreeMap<Long, Map<String, Object>> bySize) {
        StringBuilder h = new StringBuilder();
        for (var e : bySize.entrySet()) {
            if (!(e.getValue().get("faiss_ivf") instanceof Map<?, ?> raw)) {
                continue;
            }
            Map<String, Object> f = (Map<String, Object>) raw;
            h.append(String.format(Locale.ROOT, "<h2>%,d docs: FAISS %s IndexBinaryIVF on the same codes</h2><p>%d lists (binary k-means on 40 x lists codes),"
                            + " largest list %.1fx the mean; Hamming queries, one thread, one query at a time; nprobe 0 = IndexBinaryFlat."
                            + "<table><tr><th>nprobe<th>recall@10 vs float<th>recall@10 vs exact Hamming<th>p50 ms<th>p99 ms<th>QPS (2 threads, one batch)</tr>",
                    e.getKey(), esc(String.valueOf(f.get("faiss"))), (long) num(f, "nlist"), num(f, "largest_list_over_mean")));
            for (Map<String, Object> m : (List<Map<String, Object>>) f.get("rows")) {
                h.append(String.format(Locale.ROOT, "<tr><td>%d<td>%.4f<td>%.4f<td>%.2f<td>%.2f<td>%.1f</tr>", (long) num(m, "nprobe"),
                        num(m, "recall_at_10_vs_exact_float"), num(m, "recall_at_10_vs_exact_hamming"), num(m, "p50_ms"), num(m, "p99_ms"),
                        num(m, "qps_2_threads")));
            }
            h.append("</table>");
        }
        return h.toString();
    }

    private static double num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A line chart with log10 x; y linear from 0 (or log10 when {@code logY}). */
    static String chart(String title, Map<String, List<double[]>> series, boolean logY) {
        int w = 420;
        int hh = 260;
        int l = 60;
        int b = 40;
        double x0 = Double.MAX_VALUE;
        double x1 = -Double.MAX_VALUE;
        double y0 = logY ? Double.MAX_VALUE : 0;
        double y1 = -Double.MAX_VALUE;
        for (List<double[]> s : series.values()) {
            for (double[] p : s) {
                x0 = Math.min(x0, Math.log10(p[0]));
                x1 = Math.max(x1, Math.log10(p[0]));
                double y = logY ? Math.log10(Math.max(p[1], 1e-3)) : p[1];
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
            }
        }
        if (x1 <= x0) {
            x0 -= 0.5;
            x1 += 0.5;
        }
        if (y1 <= y0) {
            y1 = y0 + 1;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg width=%d height=%d><text x=%d y=16 font-weight=bold>%s</text>", w, hh, l, esc(title)));
        String[] colors = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
        int ci = 0;
        for (var e : series.entrySet()) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                double y = logY ? Math.log10(Math.max(p[1], 1e-3)) : p[1];
                double px = l + (Math.log10(p[0]) - x0) / (x1 - x0) * (w - l - 20);
                double py = hh - b - (y - y0) / (y1 - y0) * (hh - b - 30);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                s.append(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=3 fill='%s'><title>%s: %.4g</title></circle>", px, py, colors[ci % colors.length], esc(e.getKey()), p[1]));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=none stroke='%s' points='%s'/>", colors[ci % colors.length], pts));
            s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=11 fill='%s'>%s</text>", l + 5, 32 + 13 * ci, colors[ci % colors.length], esc(e.getKey())));
            ci++;
        }
        s.append(String.format(Locale.ROOT, "<line x1=%d y1=%d x2=%d y2=%d stroke=#444 /><line x1=%d y1=30 x2=%d y2=%d stroke=#444 />", l, hh - b, w - 20, hh - b, l, l, hh - b));
        for (int d = (int) Math.ceil(x0); d <= Math.floor(x1); d++) {
            double px = l + (d - x0) / (x1 - x0) * (w - l - 20);
            s.append(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=middle>1e%d</text>", px, hh - b + 15, d));
        }
        s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=11>docs (log scale)</text>", w / 2 - 30, hh - 8));
        s.append(String.format(Locale.ROOT, "<text x=4 y=%d font-size=11>%.3g</text><text x=4 y=%d font-size=11>%.3g</text>", hh - b, logY ? Math.pow(10, y0) : y0, 34, logY ? Math.pow(10, y1) : y1));
        return s.append("</svg>").toString();
    }

    static String esc(String s) { return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }
}
