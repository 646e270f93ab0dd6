package org.bitsieve.core.eval;

import java.util.Arrays;
import java.util.Map;

/** Rank correlation and retrieval metrics, written the way the standard tools (scipy, pytrec_eval / BEIR) compute them. */
public final class Metrics {
    private Metrics() {}

    /** Spearman's rho: Pearson correlation of the ranks, ties given their average rank (as scipy.stats.spearmanr). */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("spearman needs equal lengths, got " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("spearman needs at least 2 pairs");
        }
        return pearson(ranks(x), ranks(y));
    }

    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double a = x[i] - mx;
            double b = y[i] - my;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Standard error of {@code mean(x) - mean(y)} for paired observations (the same test items scored two ways):
     * sample standard deviation of the differences over sqrt(n). Sampling error of the test set only, not of a fit.
     */
    public static double pairedStandardError(double[] x, double[] y) {
        if (x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException("paired standard error needs two equally long series of at least 2, got "
                    + x.length + " and " + y.length);
        }
        int n = x.length;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[i] - y[i];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = x[i] - y[i] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / (n - 1) / n);
    }

    /**
     * Paired bootstrap standard error of {@code spearman(x, gold) - spearman(y, gold)}: the pairs are resampled with
     * replacement (seeded, so reports are reproducible) and both correlations computed on each resample.
     */
    public static double spearmanDifferenceStandardError(double[] x, double[] y, double[] gold, int resamples, long seed) {
        if (x.length != gold.length || y.length != gold.length) {
            throw new IllegalArgumentException("spearman difference needs equal lengths, got " + x.length + ", " + y.length
                    + " and " + gold.length);
        }
        if (resamples < 2) {
            throw new IllegalArgumentException("at least 2 resamples, got " + resamples);
        }
        int n = gold.length;
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] bx = new double[n];
        double[] by = new double[n];
        double[] bg = new double[n];
        double sum = 0;
        double sumSq = 0;
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n);
                bx[i] = x[j];
                by[i] = y[j];
                bg[i] = gold[j];
            }
            double d = spearman(bx, bg) - spearman(by, bg);
            sum += d;
            sumSq += d * d;
        }
        double mean = sum / resamples;
        return Math.sqrt(Math.max(0, (sumSq - resamples * mean * mean) / (resamples - 1)));
    }

    /** 1-based ranks, ties averaged. */
    static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1;
            for (int m = i; m <= j; m++) {
                r[order[m]] = avg;
            }
            i = j + 1;
        }
        return r;
    }

    /**
     * nDCG@k of one ranked list: gain = relevance grade, discount 1/log2(rank + 1), ideal from the judged grades
     * (pytrec_eval's ndcg_cut, which BEIR reports). Unjudged documents count as 0.
     */
    public static double ndcgAt(String[] ranked, Map<String, Integer> relevance, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranked.length); i++) {
            Integer g = relevance.get(ranked[i]);
            if (g != null && g > 0) {
                dcg += g / log2(i + 2);
            }
        }
        int[] grades = relevance.values().stream().filter(g -> g > 0).mapToInt(Integer::intValue).sorted().toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, grades.length); i++) {
            idcg += grades[grades.length - 1 - i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Share of the relevant documents (grade > 0) found in the first k of the ranked list. */
    public static double recallAt(String[] ranked, Map<String, Integer> relevance, int k) {
        long relevant = relevance.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        int found = 0;
        for (int i = 0; i < Math.min(k, ranked.length); i++) {
            Integer g = relevance.get(ranked[i]);
            if (g != null && g > 0) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
