package org.bitsieve.store;

import org.bitsieve.core.encode.Encoders;

import java.util.List;

/**
 * How {@link Collection#refit} chooses an encoder fitted on the collection's own documents.
 *
 * @param kinds      candidate encoder kinds, each fitted at the collection's bit budget
 * @param maxSample  documents sampled (seeded) for the fit and the held-out queries together
 * @param holdout    share of the sample held out as queries (clamped to {@code minHoldout..maxHoldout} documents)
 * @param minHoldout fewest held-out queries; with {@link #minDocs} it decides whether a refit can measure anything
 * @param maxHoldout most held-out queries (recall@10 over 2,000 queries is steady to about half a point)
 * @param minDocs    fewest live documents with floats a refit accepts
 * @param margin     recall@10 (-1..1) a candidate must gain over the current encoder to replace it; -1 always takes the
 *                   best candidate (a forced refit)
 * @param seed       sample, split and fit seed
 * @param dryRun     measure and report, change nothing
 * @param ranking    what "best" means: {@link Ranking#ASYMMETRIC} ranks by asymmetric recall@10 (what search, classify and
 *                   the browser score by default), {@link Ranking#BALANCED} by the mean of asymmetric and Hamming
 *                   recall@10 (for collections also searched by Hamming distance)
 */
public record RefitOptions(List<String> kinds, int maxSample, double holdout, int minHoldout, int maxHoldout, int minDocs,
                           double margin, long seed, boolean dryRun, Ranking ranking) {
    /** How candidates are compared. */
    public enum Ranking {
        /** Asymmetric recall@10 alone: the mode search and classify use unless asked otherwise. */
        ASYMMETRIC,
        /** The mean of asymmetric and Hamming recall@10: keeps Hamming search (and the sieve's sign codes) strong too. */
        BALANCED;

        /** The candidate kinds tried when none are given: pq only where Hamming recall does not count (its Hamming is coarse). */
        public List<String> defaultKinds() { return this == ASYMMETRIC ? List.of("witq", "itq", "pcaq", "pq") : List.of("witq", "itq", "pcaq"); }

        /** Parses {@code asymmetric} or {@code balanced} (any case), naming both on anything else. */
        public static Ranking parse(String s) {
            for (Ranking r : values()) {
                if (r.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown refit ranking '" + s + "'; use asymmetric or balanced");
        }
    }

    /** The ranking a refit uses when none is given. */
    public static final Ranking DEFAULT_RANKING = Ranking.BALANCED;

    public RefitOptions {
        ranking = ranking == null ? DEFAULT_RANKING : ranking;
        kinds = List.copyOf(kinds == null || kinds.isEmpty() ? ranking.defaultKinds() : kinds);
        for (String k : kinds) {
            Encoders.kind(k); // names the known kinds when one is unknown
        }
        if (!(holdout > 0 && holdout < 0.5)) {
            throw new IllegalArgumentException("refit holdout must be a share in (0, 0.5), got " + holdout);
        }
        if (minHoldout < 10 || maxHoldout < minHoldout) {
            throw new IllegalArgumentException("refit held-out queries: need 10 <= min <= max, got " + minHoldout + ".." + maxHoldout);
        }
        if (minDocs < 2 * minHoldout) {
            throw new IllegalArgumentException("refit minDocs must be at least twice minHoldout (" + 2 * minHoldout + "), got " + minDocs);
        }
        if (maxSample < minDocs) {
            throw new IllegalArgumentException("refit sample must be at least minDocs (" + minDocs + "), got " + maxSample);
        }
        if (!(margin >= -1 && margin <= 1)) {
            throw new IllegalArgumentException("refit margin is a recall@10 difference in [-1, 1] (-1: always switch), got " + margin);
        }
    }

    /** The default ranking and its kinds; 20,000 documents, 10% held out (300..2,000), at least 1,000 documents, margin 0.01, seed 42. */
    public static RefitOptions defaults() { return new RefitOptions(null, 20_000, 0.1, 300, 2_000, 1_000, 0.01, 42, false, DEFAULT_RANKING); }

    public RefitOptions withKinds(List<String> k) { return new RefitOptions(k, maxSample, holdout, minHoldout, maxHoldout, minDocs, margin, seed, dryRun, ranking); }

    public RefitOptions withMaxSample(int n) { return new RefitOptions(kinds, n, holdout, minHoldout, maxHoldout, minDocs, margin, seed, dryRun, ranking); }

    public RefitOptions withMargin(double m) { return new RefitOptions(kinds, maxSample, holdout, minHoldout, maxHoldout, minDocs, m, seed, dryRun, ranking); }

    public RefitOptions withSeed(long s) { return new RefitOptions(kinds, maxSample, holdout, minHoldout, maxHoldout, minDocs, margin, s, dryRun, ranking); }

    public RefitOptions withDryRun(boolean d) { return new RefitOptions(kinds, maxSample, holdout, minHoldout, maxHoldout, minDocs, margin, seed, d, ranking); }

    /** Smaller held-out sets and fewer documents, for small collections and tests. */
    public RefitOptions withMinimums(int minDocs, int minHoldout) {
        return new RefitOptions(kinds, Math.max(maxSample, minDocs), holdout, minHoldout, Math.max(maxHoldout, minHoldout), minDocs, margin, seed, dryRun, ranking);
    }

    /** Another ranking; the kinds follow it unless they were given ({@link #withKinds} after this to choose them). */
    public RefitOptions withRanking(Ranking r) {
        boolean defaultKinds = kinds.equals(ranking.defaultKinds());
        return new RefitOptions(defaultKinds ? null : kinds, maxSample, holdout, minHoldout, maxHoldout, minDocs, margin, seed, dryRun, r);
    }
}
