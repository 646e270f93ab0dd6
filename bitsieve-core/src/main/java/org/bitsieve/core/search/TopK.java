package org.bitsieve.core.search;

import java.util.Arrays;

/**
 * Result of a top-k search: ids best first, with their scores (higher is better; Hamming results carry the
 * negated distance so every result sorts the same way). Ties are broken by the smaller id, so results are
 * deterministic and comparable with a naive reference.
 */
public record TopK(int[] ids, float[] scores) {
    public int size() { return ids.length; }

    @Override
    public String toString() {
        return "TopK" + Arrays.toString(ids);
    }
}
