package org.bitsieve.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The kNN vote of {@link Snapshot#classify}, with the label of a neighbour looked up by the caller, so that other
 * front ends (the Spark job, which keeps labels beside a code snapshot) vote exactly as the store does.
 *
 * <p>In Hamming mode without re-ranking, distances are small integers and the k-th nearest is usually tied with
 * other codes, which a top k would cut by position. The vote then follows the core's {@code HammingVote}: the
 * neighbours nearer than the k-th distance count 1, and every code at exactly that distance shares the remaining
 * {@code k - nearer} votes equally (the expected vote over every order of the ties), so the label does not depend on
 * insertion order. The largest weight wins; equal weights (to rounding of the shares) go to the label seen nearest.
 */
public final class KnnVote {
    private KnnVote() {}

    /**
     * Searches {@code snap} and votes with {@code labelOf} (null: the neighbour does not vote). The result's label is
     * null when no neighbour votes; its neighbours are the k of the search.
     */
    public static Classification classify(Snapshot snap, SearchRequest req, Function<Hit, String> labelOf) {
        List<Hit> hits = snap.search(req);
        int k = req.k();
        List<Hit> voters = hits;
        double share = 1;
        float kth = Float.NaN;
        if (req.mode() == SearchMode.HAMMING && req.oversample() == 1 && hits.size() == k) {
            kth = hits.get(k - 1).score();
            // widen the search until a code farther than the k-th distance shows up or nothing is left
            int kk = k;
            while (voters.size() == kk && voters.get(kk - 1).score() == kth && kk < snap.count()) {
                kk = (int) Math.min(snap.count(), 2L * kk);
                voters = snap.search(req.k(kk));
            }
            int nearer = 0;
            int tied = 0;
            for (Hit h : voters) {
                if (h.score() > kth) {
                    nearer++;
                } else if (h.score() == kth) {
                    tied++;
                }
            }
            voters = voters.subList(0, nearer + tied);
            share = (double) (k - nearer) / tied;
        }
        Map<String, Double> votes = new LinkedHashMap<>(); // labels in the order first seen, i.e. nearest first
        for (Hit h : voters) {
            String l = labelOf.apply(h);
            if (l != null) {
                votes.merge(l, h.score() == kth ? share : 1.0, Double::sum);
            }
        }
        String winner = null;
        for (Map.Entry<String, Double> e : votes.entrySet()) {
            if (winner == null || e.getValue() > votes.get(winner) + 1e-9) {
                winner = e.getKey();
            }
        }
        return new Classification(winner, votes, hits);
    }

    /** The metadata field's value as the store's classify reads it: numbers and booleans as written, strings unquoted. */
    public static String labelText(String metadataJson, String field) { return Metadata.fieldText(metadataJson, field); }
}
