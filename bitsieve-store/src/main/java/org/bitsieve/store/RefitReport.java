package org.bitsieve.store;

import java.util.List;

/**
 * What a refit measured and did. Recalls are recall@10 of codes-only search against exact float search, over the
 * held-out documents as queries and the fitted ones as the database: asymmetric (float query against codes, what
 * search and classify score) and Hamming (code against code).
 *
 * @param changed     whether the collection now uses {@code chosen}
 * @param reason      one sentence: why it changed or not
 * @param before      the encoder measured as current ({@code describe()})
 * @param chosen      the best candidate's description (the encoder in use after, when {@code changed})
 * @param documents   live documents in the collection (or rows in the user's sample)
 * @param fitDocs     documents the candidates were fitted on (and searched)
 * @param heldOut     held-out documents used as queries
 */
public record RefitReport(boolean changed, String reason, String before, String chosen, double recallBefore, double recallAfter,
                          double hammingBefore, double hammingAfter, List<Candidate> candidates, int documents, int fitDocs,
                          int heldOut, double seconds) {
    /** One candidate: its kind, recalls and fit time. */
    public record Candidate(String kind, String encoder, double recall, double hammingRecall, double fitSeconds) {}

    /** A few lines for a terminal. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT, "refit on %,d documents (%,d fitted, %,d held out as queries) in %.1fs%n",
                documents, fitDocs, heldOut, seconds));
        b.append(String.format(java.util.Locale.ROOT, "  current   %-8s recall@10 asym %.3f  Hamming %.3f  (%s)%n",
                before == null ? "none" : before.split(" ")[0], recallBefore, hammingBefore, before));
        for (Candidate c : candidates) {
            b.append(String.format(java.util.Locale.ROOT, "  candidate %-8s recall@10 asym %.3f  Hamming %.3f  fit %.1fs%n",
                    c.kind(), c.recall(), c.hammingRecall(), c.fitSeconds()));
        }
        b.append(changed ? "  changed: " : "  unchanged: ").append(reason);
        return b.toString();
    }
}
