package org.bitsieve.core.knn;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HammingVoteTest {
    /** 64-bit codes at the given distances from the all-zero query. */
    static PackedCodes atDistances(int... d) {
        long[] data = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            data[i] = d[i] == 64 ? -1L : (1L << d[i]) - 1;
        }
        return new PackedCodes(data, d.length, 64);
    }

    @Test
    void tiedNeighboursShareTheRemainingVotes() {
        // k = 3: one label-0 code at distance 1, then six codes tied at distance 2 (four label 1, two label 0).
        PackedCodes db = atDistances(2, 2, 2, 2, 1, 2, 2);
        int[] labels = {1, 1, 1, 1, 0, 0, 0};
        // plain top-3 keeps the first tied codes by position: label 1 twice, so label 1 wins
        TopK top = HammingSearch.topK(db, new long[] {0L}, 3, 1);
        assertEquals(1, KnnClassifier.vote(top, labels, 3));
        // expected vote: label 0 = 1 + 2 x (2/6), label 1 = 4 x (2/6)
        assertEquals(0, HammingVote.vote(db, new long[] {0L}, labels, 2, 3));
    }

    @Test
    void equalTotalsGoToTheNearestLabel() {
        PackedCodes db = atDistances(3, 1, 5, 5);
        int[] labels = {0, 1, 0, 1};
        // k = 2: distances 1 (label 1) and 3 (label 0): one vote each, label 1 is nearer
        assertEquals(1, HammingVote.vote(db, new long[] {0L}, labels, 2, 2));
    }

    @Test
    void withoutTiesAtTheKthDistanceItIsThePlainVote() {
        Random r = new Random(5);
        int checked = 0;
        for (int trial = 0; trial < 300; trial++) {
            int n = 40;
            int[] d = new int[n];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                d[i] = r.nextInt(30);
                labels[i] = r.nextInt(3);
            }
            int k = 1 + r.nextInt(10);
            int[] sorted = d.clone();
            java.util.Arrays.sort(sorted);
            if (sorted[k - 1] == sorted[k]) {
                continue; // the k nearest are not one set
            }
            PackedCodes db = atDistances(d);
            TopK top = HammingSearch.topK(db, new long[] {0L}, k, 1);
            assertEquals(KnnClassifier.vote(top, labels, k), HammingVote.vote(db, new long[] {0L}, labels, 3, k), "trial " + trial);
            checked++;
        }
        assertTrue(checked > 50, "enough untied cases: " + checked);
    }
}
