package org.bitsieve.core.knn;

import org.bitsieve.core.search.TopK;

/** k-nearest-neighbour vote: majority label among the k nearest; a tie goes to the tied label seen nearest. */
public final class KnnClassifier {
    private KnnClassifier() {}

    /**
     * @param neighbours ids nearest first (at least k of them unless the database is smaller)
     * @param labels     label per database id (non-negative)
     */
    public static int vote(int[] neighbours, int[] labels, int k) {
        int n = Math.min(k, neighbours.length);
        if (n == 0) {
            throw new IllegalArgumentException("no neighbours to vote");
        }
        // k is small: count by linear scans instead of a map
        int best = -1;
        int bestCount = 0;
        int bestFirst = Integer.MAX_VALUE;
        for (int a = 0; a < n; a++) {
            int label = labels[neighbours[a]];
            int count = 0;
            int first = -1;
            for (int b = 0; b < n; b++) {
                if (labels[neighbours[b]] == label) {
                    count++;
                    if (first < 0) {
                        first = b;
                    }
                }
            }
            if (count > bestCount || (count == bestCount && first < bestFirst)) {
                best = label;
                bestCount = count;
                bestFirst = first;
            }
        }
        return best;
    }

    public static int vote(TopK neighbours, int[] labels, int k) { return vote(neighbours.ids(), labels, k); }

    /** The vote of the first k of each result. */
    public static int[] votes(TopK[] results, int[] trainLabels, int k) {
        int[] p = new int[results.length];
        for (int i = 0; i < results.length; i++) {
            p[i] = vote(results[i], trainLabels, k);
        }
        return p;
    }

    /** Accuracy in percent of voting with the first k of each result. */
    public static double accuracy(TopK[] results, int[] trainLabels, int[] testLabels, int k) {
        int[] p = votes(results, trainLabels, k);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == testLabels[i]) {
                correct++;
            }
        }
        return 100.0 * correct / results.length;
    }

    /** Mean fraction of the reference top-k ids found in the candidate top-k. */
    public static double recallAt(TopK[] candidate, TopK[] reference, int k) {
        double sum = 0;
        for (int i = 0; i < candidate.length; i++) {
            int[] ref = reference[i].ids();
            int[] cand = candidate[i].ids();
            int m = Math.min(k, ref.length);
            int hit = 0;
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < Math.min(k, cand.length); b++) {
                    if (cand[b] == ref[a]) {
                        hit++;
                        break;
                    }
                }
            }
            sum += m == 0 ? 1 : (double) hit / m;
        }
        return sum / candidate.length;
    }
}
