package org.bitsieve.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationSplitTest {
    @Test
    void queriesAndDatabasePartitionTheRowsFixedBySeed() {
        ValidationSplit s = ValidationSplit.of(1000);
        assertEquals(200, s.queries().length);
        assertEquals(800, s.database().length);
        Set<Integer> all = new HashSet<>();
        IntStream.of(s.queries()).forEach(all::add);
        IntStream.of(s.database()).forEach(all::add);
        assertEquals(1000, all.size(), "disjoint and complete");
        assertArrayEquals(s.queries(), ValidationSplit.of(1000).queries(), "the protocol's split does not move");
        // shuffled, not the first rows (sets come sorted by label)
        assertTrue(s.queries()[199] > 400, Arrays.toString(s.queries()));
    }

    @Test
    void agNewsValidationNeverReadsTheBenchsTestRows() {
        int n = 7600;
        int[] train = BenchData.agnewsTrainRows(n);
        int[] perm = BenchData.permutation(n, 42); // the bench's default split: the rest of perm is its test part
        Set<Integer> test = new HashSet<>();
        for (int i = train.length; i < n; i++) {
            test.add(perm[i]);
        }
        assertEquals(1520, test.size());
        ValidationSplit s = ValidationSplit.of(train.length);
        for (int r : s.select(s.queries(), train)) {
            assertTrue(!test.contains(r), "query row " + r + " is a bench test row");
        }
        for (int r : s.select(s.database(), train)) {
            assertTrue(!test.contains(r), "database row " + r + " is a bench test row");
        }
    }
}
