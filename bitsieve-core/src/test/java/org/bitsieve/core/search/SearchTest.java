package org.bitsieve.core.search;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.knn.KnnClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fast scans against naive reference implementations (sort everything, take k). */
class SearchTest {
    static PackedCodes randomCodes(int n, int bits, long seed, int distinctValues) {
        Random r = new Random(seed);
        PackedCodes c = PackedCodes.allocate(n, bits);
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < bits; b++) {
                // few distinct bit patterns in the low bits force many distance ties
                if (b < 8 ? r.nextInt(distinctValues) == 0 : r.nextBoolean()) {
                    c.data()[i * c.words() + (b >>> 6)] |= 1L << (b & 63);
                }
            }
        }
        return c;
    }

    static int[] naiveHamming(PackedCodes db, long[] q, int k) {
        return IntStream.range(0, db.count()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> db.hamming(i, q)).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64, 100, 128, 256, 264, 512, 600})
    void hammingMatchesNaive(int bits) {
        PackedCodes db = randomCodes(3000, bits, bits, 3);
        PackedCodes qs = randomCodes(20, bits, bits + 1, 3);
        for (int q = 0; q < qs.count(); q++) {
            for (int k : new int[] {1, 10, 57}) {
                int[] expected = naiveHamming(db, qs.code(q), k);
                TopK got = HammingSearch.topK(db, qs.code(q), k);
                assertArrayEquals(expected, got.ids(), "bits " + bits + " k " + k);
                for (int j = 0; j < k; j++) {
                    assertEquals(-db.hamming(expected[j], qs.code(q)), got.scores()[j]);
                }
            }
        }
    }

    @Test
    void multiThreadedEqualsSingleThreaded() {
        PackedCodes db = randomCodes(200_000, 256, 9, 2);
        long[] q = randomCodes(1, 256, 10, 2).code(0);
        assertArrayEquals(HammingSearch.topK(db, q, 25).ids(), HammingSearch.topK(db, q, 25, 4).ids());
        assertArrayEquals(naiveHamming(db, q, 25), HammingSearch.topK(db, q, 25, 2).ids());
    }

    @Test
    void kLargerThanDatabaseReturnsEverythingSorted() {
        PackedCodes db = randomCodes(5, 64, 1, 2);
        long[] q = db.code(2);
        TopK t = HammingSearch.topK(db, q, 10);
        assertEquals(5, t.size());
        assertEquals(2, t.ids()[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcaq", "pq", "witq", "itq", "sign"})
    void asymmetricMatchesNaive(String kind) {
        FloatMatrix train = TestData.clustered(3000, 32, 4);
        Encoder e = Encoders.fit(kind, train, FitOptions.bits(kind.equals("pcaq") ? 40 : 32));
        PackedCodes db = e.encodeAll(train);
        float[] inv = e.inverseNorms(db);
        FloatMatrix queries = TestData.clustered(10, 32, 5);
        for (int qi = 0; qi < queries.rows(); qi++) {
            QueryScorer s = e.scorer(queries.row(qi));
            float[] score = new float[db.count()];
            for (int i = 0; i < db.count(); i++) {
                score[i] = s.rawScore(db.data(), i * db.words()) * (s.normalized() ? inv[i] : 1f);
            }
            int[] expected = IntStream.range(0, db.count()).boxed()
                    .sorted((a, b) -> score[a] != score[b] ? Float.compare(score[b], score[a]) : Integer.compare(a, b))
                    .limit(10).mapToInt(Integer::intValue).toArray();
            TopK got = AsymmetricSearch.topK(db, inv, s, 10);
            // table sums may differ in the last bit from the naive order of additions; compare scores closely
            for (int j = 0; j < 10; j++) {
                assertEquals(score[expected[j]], got.scores()[j], 1e-5f);
            }
            assertEquals(Arrays.stream(expected).boxed().toList().subList(0, 5), Arrays.stream(got.ids()).boxed().toList().subList(0, 5));
            assertArrayEquals(got.ids(), AsymmetricSearch.topK(db, inv, s, 10, 2).ids());
        }
    }

    @Test
    void floatBatchMatchesNaive() {
        FloatMatrix db = TestData.clustered(1200, 24, 8);
        FloatMatrix q = TestData.clustered(40, 24, 9);
        TopK[] batch = FloatSearch.topK(db, q, 7);
        for (int i = 0; i < q.rows(); i++) {
            TopK single = FloatSearch.topK(db, q.row(i), 7);
            for (int j = 0; j < 7; j++) {
                assertEquals(single.scores()[j], batch[i].scores()[j], 1e-5f);
            }
            assertEquals(single.ids()[0], batch[i].ids()[0]);
        }
    }

    @Test
    void knnVoteMajorityAndTieToNearest() {
        int[] labels = {0, 1, 1, 2, 2, 0};
        assertEquals(1, KnnClassifier.vote(new int[] {0, 1, 2}, labels, 3));
        // 0:1, 1:1, 2:1 -> nearest wins
        assertEquals(2, KnnClassifier.vote(new int[] {3, 1, 0}, labels, 3));
        // tie 2 vs 2 between labels 0 (first at position 1) and 1 (first at 0)
        assertEquals(1, KnnClassifier.vote(new int[] {1, 0, 2, 5}, labels, 4));
        assertEquals(0, KnnClassifier.vote(new int[] {0, 1, 2, 5}, labels, 1));
    }
}
