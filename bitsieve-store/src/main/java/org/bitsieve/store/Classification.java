package org.bitsieve.store;

import java.util.List;
import java.util.Map;

/**
 * A kNN vote: the winning label (the largest vote among the neighbours that carry the label field; a tie goes to
 * the label seen nearest), the vote weight per label (1 per neighbour; in Hamming mode without re-ranking, codes
 * tied at the k-th distance share the remaining votes, see {@link Snapshot#classify}), and the k neighbours,
 * nearest first.
 */
public record Classification(String label, Map<String, Double> votes, List<Hit> neighbours) {}
