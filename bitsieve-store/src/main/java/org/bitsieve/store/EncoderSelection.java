package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.knn.KnnClassifier;
import org.bitsieve.core.search.CodesOnly;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.TopK;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses an encoder for a set of vectors by what it is for: a seeded part of them is held out as queries, every
 * candidate kind is fitted on the rest at the given bit budget, and each (and the current encoder) is measured by
 * recall@10 of codes-only asymmetric search against exact float search. The best candidate wins if it beats the
 * current encoder by the margin. Used by {@link Collection#refit} on a collection's own documents, and by
 * {@code bitsieve index --fit-sample} on a user's sample for a codes-only collection.
 */
public final class EncoderSelection {
    static final int K = 10;

    /** The choice: {@code best} (the best candidate, whether or not it won) and the report. */
    public record Result(Encoder best, RefitReport report) {}

    private EncoderSelection() {}

    /**
     * @param current the encoder in use (null: none yet, the best candidate wins whatever its margin)
     * @param documents documents the sample stands for (for the report)
     */
    public static Result select(FloatMatrix vectors, Encoder current, int bits, RefitOptions o, int documents) {
        long t0 = System.nanoTime();
        if (current != null && (current.dimension() != vectors.dim() || current.bits() != bits)) {
            throw new IllegalArgumentException("vectors of dimension " + vectors.dim() + " at " + bits + " bits do not fit the current encoder ("
                    + current.describe() + ")");
        }
        if (vectors.rows() < o.minDocs()) {
            throw new IllegalArgumentException("a refit needs at least " + o.minDocs() + " vectors to fit on and hold out, got "
                    + vectors.rows() + "; add documents (or lower the minimum)");
        }
        vectors.requireFinite("refit sample");
        FloatMatrix sample = Encoders.sample(vectors, o.maxSample(), o.seed()); // seeded shuffle, at most maxSample rows
        int n = sample.rows();
        int h = (int) Math.max(o.minHoldout(), Math.min(o.maxHoldout(), Math.round(n * o.holdout())));
        FloatMatrix queries = sample.slice(0, h);
        FloatMatrix db = sample.slice(h, n);
        TopK[] ref = FloatSearch.topK(db, queries, K);
        double[] cur = current == null ? new double[] {0, 0} : measure(current, db, queries, ref);
        List<RefitReport.Candidate> cands = new ArrayList<>();
        Encoder best = null;
        double[] bestR = null;
        List<String> skipped = new ArrayList<>();
        for (String kind : o.kinds()) {
            long f0 = System.nanoTime();
            try {
                Encoders.kind(kind).checkBits(bits, db.dim());
            } catch (IllegalArgumentException cannot) { // e.g. itq past one bit per dimension
                skipped.add(kind);
                continue;
            }
            Encoder e = Encoders.fit(kind, db, FitOptions.bits(bits).withSeed(o.seed()).withMaxSample(db.rows()));
            double fit = (System.nanoTime() - f0) / 1e9;
            double[] r = measure(e, db, queries, ref);
            cands.add(new RefitReport.Candidate(kind, e.describe(), r[0], r[1], fit));
            if (bestR == null || score(r, o) > score(bestR, o)) {
                best = e;
                bestR = r;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("none of the candidate kinds " + o.kinds() + " can make " + bits + "-bit codes of "
                    + db.dim() + "-d vectors; choose others (e.g. witq or pcaq)");
        }
        double gain = score(bestR, o) - score(cur, o);
        String metric = o.ranking() == RefitOptions.Ranking.ASYMMETRIC ? "asymmetric recall@10" : "recall@10 (mean of asymmetric and Hamming)";
        boolean wins = current == null || gain >= o.margin();
        boolean changed = wins && !o.dryRun();
        String reason;
        if (current == null) {
            reason = best.kind() + " has the best " + metric + " of the candidates";
        } else if (wins) {
            reason = String.format(java.util.Locale.ROOT, "%s gains %.1f points of %s over the current encoder (margin %.1f)%s",
                    best.kind(), 100 * gain, metric, 100 * o.margin(), o.dryRun() ? "; dry run, nothing written" : "");
        } else {
            reason = String.format(java.util.Locale.ROOT, "the best candidate (%s) gains %.1f points of %s, less than the %.1f-point margin",
                    best.kind(), 100 * gain, metric, 100 * o.margin());
        }
        if (wins && o.dryRun() && current == null) {
            reason += "; dry run, nothing written";
        }
        if (wins && current != null && bestR[1] < cur[1] - 0.05) { // say so: Hamming-mode users would otherwise find out by their results
            reason += String.format(java.util.Locale.ROOT, "; Hamming recall@10 drops from %.3f to %.3f, so search this collection "
                    + "asymmetrically (the default) or refit with the balanced ranking", cur[1], bestR[1]);
        }
        if (o.ranking() == RefitOptions.Ranking.BALANCED) {
            RefitReport.Candidate asymBest = null;
            for (RefitReport.Candidate c : cands) {
                asymBest = asymBest == null || c.recall() > asymBest.recall() ? c : asymBest;
            }
            if (asymBest != null && asymBest.recall() >= bestR[0] + 0.03) { // a collection searched only asymmetrically may want it
                reason += String.format(java.util.Locale.ROOT, "; by asymmetric recall alone %s leads (%.3f against %.3f): for a collection "
                        + "searched only asymmetrically, the asymmetric ranking (which also tries pq) may do better", asymBest.kind(),
                        asymBest.recall(), bestR[0]);
            }
        }
        if (!skipped.isEmpty()) {
            reason += " (skipped " + skipped + ": they cannot make " + bits + "-bit codes of " + db.dim() + "-d vectors)";
        }
        RefitReport rep = new RefitReport(changed, reason, current == null ? null : current.describe(), best.describe(), cur[0],
                changed ? bestR[0] : cur[0], cur[1], changed ? bestR[1] : cur[1], List.copyOf(cands), documents, db.rows(), h,
                (System.nanoTime() - t0) / 1e9);
        return new Result(best, rep);
    }

    private static double score(double[] r, RefitOptions o) { return o.ranking() == RefitOptions.Ranking.ASYMMETRIC ? r[0] : (r[0] + r[1]) / 2; }

    /** {asymmetric recall@10, Hamming recall@10} of {@code e} against the float reference. */
    static double[] measure(Encoder e, FloatMatrix db, FloatMatrix queries, TopK[] ref) {
        CodesOnly top = CodesOnly.topK(e, db, queries, K);
        return new double[] {KnnClassifier.recallAt(top.asymmetric(), ref, K), KnnClassifier.recallAt(top.hamming(), ref, K)};
    }
}
