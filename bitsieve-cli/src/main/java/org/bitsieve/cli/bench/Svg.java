package org.bitsieve.cli.bench;

import java.util.List;
import java.util.Locale;

/** Two small inline-SVG charts (lines and grouped bars), so the HTML report needs no script and no network. */
final class Svg {
    record Series(String name, double[] x, double[] y) {}

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    private static final int W = 520;
    private static final int H = 340;
    private static final int L = 56;
    private static final int R = 150;
    private static final int T = 34;
    private static final int B = 44;

    private Svg() {}

    /** A line chart; {@code ref} draws a dashed horizontal reference (NaN for none); {@code logX} for doubling budgets. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, double ref, String refLabel, boolean logX) {
        double xmin = Double.MAX_VALUE;
        double xmax = -Double.MAX_VALUE;
        double ymin = Double.MAX_VALUE;
        double ymax = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isNaN(s.y()[i])) {
                    continue;
                }
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                ymin = Math.min(ymin, s.y()[i]);
                ymax = Math.max(ymax, s.y()[i]);
            }
        }
        if (!Double.isNaN(ref)) {
            ymin = Math.min(ymin, ref);
            ymax = Math.max(ymax, ref);
        }
        if (xmin == Double.MAX_VALUE) {
            return "";
        }
        double pad = Math.max((ymax - ymin) * 0.08, 0.5);
        ymin -= pad;
        ymax += pad;
        if (xmax == xmin) {
            xmax = xmin + 1;
        }
        Scale sx = logX ? new Scale(Math.log(xmin) - 0.15, Math.log(xmax) + 0.15, L, W - R)
                : new Scale(xmin - (xmax - xmin) * 0.05, xmax + (xmax - xmin) * 0.05, L, W - R);
        Scale sy = new Scale(ymin, ymax, H - B, T);
        StringBuilder sb = open(title);
        axes(sb, sy, xLabel, yLabel);
        // x ticks at the data's x values (budgets) or 5 even ticks
        java.util.TreeSet<Double> xs = new java.util.TreeSet<>();
        if (logX) {
            for (Series s : series) {
                for (double x : s.x()) {
                    xs.add(x);
                }
            }
        } else {
            for (int i = 0; i <= 4; i++) {
                xs.add(xmin + (xmax - xmin) * i / 4);
            }
        }
        for (double x : xs) {
            double px = sx.map(logX ? Math.log(x) : x);
            sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#999'/><text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    px, H - B, px, H - B + 4, px, H - B + 16, num(x)));
        }
        if (!Double.isNaN(ref)) {
            double py = sy.map(ref);
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#000' stroke-dasharray='5,4'/>", L, py, W - R, py));
            legend(sb, 0, "#000", refLabel, true);
        }
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            String c = COLORS[s % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < se.x().length; i++) {
                if (Double.isNaN(se.y()[i])) {
                    continue;
                }
                double px = sx.map(logX ? Math.log(se.x()[i]) : se.x()[i]);
                double py = sy.map(se.y()[i]);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                sb.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3.5' fill='%s'><title>%s: %s at %s</title></circle>",
                        px, py, c, Report.esc(se.name()), num(se.y()[i]), num(se.x()[i])));
            }
            sb.append("<polyline fill='none' stroke-width='2' stroke='").append(c).append("' points='").append(pts).append("'/>");
            legend(sb, s + (Double.isNaN(ref) ? 0 : 1), c, se.name(), false);
        }
        return sb.append("</svg>").toString();
    }

    /** Grouped vertical bars: one group per category, one bar per series. */
    static String bars(String title, List<String> categories, List<String> seriesNames, double[][] values) {
        double ymin = Double.MAX_VALUE;
        double ymax = -Double.MAX_VALUE;
        for (double[] v : values) {
            for (double x : v) {
                ymin = Math.min(ymin, x);
                ymax = Math.max(ymax, x);
            }
        }
        ymin = Math.max(0, ymin - (ymax - ymin) * 0.15 - 2);
        ymax += (ymax - ymin) * 0.05;
        Scale sy = new Scale(ymin, ymax, H - B, T);
        StringBuilder sb = open(title);
        axes(sb, sy, "", "accuracy (%)");
        double group = (double) (W - R - L) / categories.size();
        double bw = group * 0.8 / seriesNames.size();
        for (int c = 0; c < categories.size(); c++) {
            double gx = L + c * group + group * 0.1;
            for (int s = 0; s < seriesNames.size(); s++) {
                double v = values[s][c];
                double y = sy.map(v);
                sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s %s: %.2f</title></rect>",
                        gx + s * bw, y, bw - 1, H - B - y, COLORS[s % COLORS.length], Report.esc(categories.get(c)), Report.esc(seriesNames.get(s)), v));
            }
            sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='10' text-anchor='end' transform='rotate(-35 %.1f %d)'>%s</text>",
                    gx + group * 0.4, H - B + 12, gx + group * 0.4, H - B + 12, Report.esc(categories.get(c))));
        }
        for (int s = 0; s < seriesNames.size(); s++) {
            legend(sb, s, COLORS[s % COLORS.length], seriesNames.get(s), false);
        }
        return sb.append("</svg>").toString();
    }

    private record Scale(double lo, double hi, double p0, double p1) {
        double map(double v) {
            return p0 + (v - lo) / (hi - lo) * (p1 - p0);
        }
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(W).append("' height='").append(H)
                .append("' viewBox='0 0 ").append(W).append(' ').append(H).append("' font-family='system-ui,sans-serif'>");
        sb.append("<text x='").append(W / 2).append("' y='18' font-size='13' font-weight='600' text-anchor='middle'>")
                .append(Report.esc(title)).append("</text>");
        return sb;
    }

    private static void axes(StringBuilder sb, Scale sy, String xLabel, String yLabel) {
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", L, H - B, W - R, H - B));
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", L, T, L, H - B));
        for (int i = 0; i <= 5; i++) {
            double v = sy.lo() + (sy.hi() - sy.lo()) * i / 5;
            double py = sy.map(v);
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/><text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>",
                    L, py, W - R, py, L - 4, py + 4, num(v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s</text>", (L + W - R) / 2, H - 6, Report.esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='12' text-anchor='middle' transform='rotate(-90 14 %d)'>%s</text>",
                (T + H - B) / 2, (T + H - B) / 2, Report.esc(yLabel)));
    }

    private static void legend(StringBuilder sb, int row, String color, String name, boolean dashed) {
        int y = T + 6 + row * 18;
        sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='2'%s/><text x='%d' y='%d' font-size='11'>%s</text>",
                W - R + 10, y, W - R + 30, y, color, dashed ? " stroke-dasharray='5,4'" : "", W - R + 34, y + 4, Report.esc(name)));
    }

    private static String num(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 && Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Escaping shared with the report. */
    private static final class Report {
        static String esc(String s) {
            return BenchReport.esc(s);
        }
    }
}
