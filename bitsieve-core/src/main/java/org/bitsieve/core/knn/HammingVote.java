package org.bitsieve.core.knn;

import org.bitsieve.core.PackedCodes;

/**
 * kNN vote over Hamming distances that does not depend on an arbitrary order among ties.
 *
 * <p>Hamming distances are small integers, so the k-th nearest code is usually tied with many others (on MR at
 * 256 bits, dozens), and "the k nearest" is not one set: a plain top-k keeps whichever tied codes come first,
 * and the vote moves with the database order. This vote is the expected plain vote over every order of the
 * ties: codes nearer than the k-th distance count 1, the codes at exactly that distance share the remaining
 * votes equally. Equal totals go to the label with the nearest code (then the lower database index), as in
 * {@link KnnClassifier}.
 */
public final class HammingVote {
    private HammingVote() {}

    /**
     * @param labels    label per database code, in 0..numLabels-1
     * @return the predicted label
     */
    public static int vote(PackedCodes db, long[] query, int[] labels, int numLabels, int k) {
        int n = db.count();
        if (n == 0 || k < 1) {
            throw new IllegalArgumentException("a vote needs k >= 1 and a non-empty database");
        }
        int bits = db.bits();
        int[] dist = new int[n];
        int[] hist = new int[bits + 1];
        for (int i = 0; i < n; i++) {
            int d = db.hamming(i, query);
            dist[i] = d;
            hist[d]++;
        }
        int kk = Math.min(k, n);
        int kth = 0;
        int inside = 0; // codes strictly nearer than the k-th distance
        while (inside + hist[kth] < kk) {
            inside += hist[kth];
            kth++;
        }
        double share = (double) (kk - inside) / hist[kth];
        double[] weight = new double[numLabels];
        int[] nearest = new int[numLabels];
        int[] nearestIndex = new int[numLabels];
        java.util.Arrays.fill(nearest, Integer.MAX_VALUE);
        for (int i = 0; i < n; i++) {
            int d = dist[i];
            if (d > kth) {
                continue;
            }
            int l = labels[i];
            weight[l] += d < kth ? 1.0 : share;
            if (d < nearest[l]) {
                nearest[l] = d;
                nearestIndex[l] = i;
            }
        }
        int best = -1;
        for (int l = 0; l < numLabels; l++) {
            if (nearest[l] == Integer.MAX_VALUE) {
                continue;
            }
            if (best < 0 || weight[l] > weight[best] + 1e-9
                    || (Math.abs(weight[l] - weight[best]) <= 1e-9
                    && (nearest[l] < nearest[best] || (nearest[l] == nearest[best] && nearestIndex[l] < nearestIndex[best])))) {
                best = l;
            }
        }
        return best;
    }
}
