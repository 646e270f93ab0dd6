package org.bitsieve.store;

import java.util.List;
import java.util.Map;

/**
 * A kNN vote: the winning label (majority among the neighbours that carry the label field; a tie goes to the
 * label seen nearest), the votes per label, and the neighbours, nearest first.
 */
public record Classification(String label, Map<String, Integer> votes, List<Hit> neighbours) {}
