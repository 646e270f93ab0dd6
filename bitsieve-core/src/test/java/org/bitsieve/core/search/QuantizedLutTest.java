package org.bitsieve.core.search;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.QueryScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quantised fast path must return exactly what the plain float loop returns: same ids, same score bits. */
class QuantizedLutTest {

    private static void assertSame(FloatHeap want, FloatHeap got, String what) {
        TopK w = want.toTopK();
        TopK g = got.toTopK();
        assertArrayEquals(w.ids(), g.ids(), what + ": ids");
        assertEquals(w.size(), g.size(), what);
        for (int i = 0; i < w.size(); i++) {
            assertEquals(Float.floatToIntBits(w.scores()[i]), Float.floatToIntBits(g.scores()[i]), what + ": score bits at rank " + i);
        }
    }

    /** Random tables (wide dynamic range, negative entries), random codes with many duplicates (ties), random norms. */
    @ParameterizedTest
    @ValueSource(ints = {8, 40, 64, 128, 200, 256, 384})
    void equalsReferenceOnRandomTables(int bits) {
        Random r = new Random(bits);
        int n = 5003;
        PackedCodes db = PackedCodes.allocate(n, bits);
        long[] a = db.data();
        int words = db.words();
        long lastMask = (bits & 63) == 0 ? -1L : (1L << (bits & 63)) - 1;
        for (int i = 0; i < n; i++) {
            if (i > 0 && r.nextInt(4) == 0) {
                // a duplicate of an earlier code: exact ties, broken by the smaller id
                System.arraycopy(a, r.nextInt(i) * words, a, i * words, words);
                continue;
            }
            for (int w = 0; w < words; w++) {
                long x = r.nextLong();
                a[i * words + w] = w == words - 1 ? x & lastMask : x;
            }
        }
        int bytes = db.bytesPerCode();
        float[] inv = new float[n];
        for (int i = 0; i < n; i++) {
            inv[i] = i % 97 == 0 ? 0f : 0.5f + r.nextFloat();
        }
        for (int trial = 0; trial < 7; trial++) {
            float[] t = new float[bytes * 256];
            if (trial == 6) {
                // adversarial: byte 0 spans 255 (one quantisation step is 1/257), every other byte varies by less
                // than a step, so the ranking among codes sharing byte 0 lives entirely below the integer
                // table's resolution and only a correct error bound keeps the top k exact
                for (int v = 0; v < 256; v++) {
                    t[v] = (v & 0xF0) / 16f * 17f;
                }
                for (int i = 256; i < t.length; i++) {
                    t[i] = (float) (r.nextDouble() * 0.004);
                }
            }
            for (int k = 0; k < bytes && trial < 6; k++) {
                // some byte positions dominate by orders of magnitude, as the leading components of pcaq do
                double amp = trial % 3 == 0 ? Math.pow(10, r.nextInt(5) - 2) : 1.0;
                for (int v = 0; v < 256; v++) {
                    t[(k << 8) | v] = (float) (amp * r.nextGaussian()) + (trial == 5 ? 1000f : 0f);
                }
            }
            for (boolean normalized : new boolean[] {false, true}) {
                QueryScorer s = new QueryScorer(t, bytes, normalized);
                QuantizedLut lut = QuantizedLut.of(s);
                if (trial < 6) {
                    // (trial 6's byte 0 is linear in its top four bits and the rest is below a thousandth of it,
                    // so it may take either path: both are exact)
                    assertEquals(false, lut.linear(), "a random table is not linear in the bits");
                }
                for (int k : new int[] {1, 10, 100, n + 5}) {
                    FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, k, 0, n);
                    FloatHeap got = new FloatHeap(k);
                    lut.scan(a, words, 0, n, normalized ? inv : null, got, 0, null);
                    assertSame(want, got, bits + " bits, trial " + trial + ", k " + k + ", normalised " + normalized);
                    assertSame(want, AsymmetricSearch.scan(db, inv, s, k, 0, n), "AsymmetricSearch.scan");
                    if (bytes == 32) {
                        FloatHeap four = new FloatHeap(k);
                        lut.scanFourRows(a, 0, n, normalized ? inv : null, four, 0, null);
                        assertSame(want, four, "scanFourRows");
                    }
                }
                // a range that starts and ends off a multiple of four
                FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, 10, 7, 4998);
                FloatHeap got = new FloatHeap(10);
                lut.scan(a, words, 7, 4998, normalized ? inv : null, got, 0, null);
                assertSame(want, got, "range 7..4998");
            }
        }
    }

    /** Real encoders' tables over real-shaped data: the top 10 and its scores equal the reference, also with threads. */
    @ParameterizedTest
    @ValueSource(strings = {"pcaq", "pq", "witq", "itq", "sign", "simhash"})
    void equalsReferenceForEncoders(String kind) {
        FloatMatrix train = TestData.clustered(40_000, 32, 4);
        // simhash at 100 bits: a partial last byte and word, whose unused table entries are not linear
        Encoder e = Encoders.fit(kind, train, FitOptions.bits(switch (kind) { case "pcaq" -> 96; case "simhash" -> 100; default -> 32; }));
        PackedCodes db = e.encodeAll(train);
        float[] inv = e.inverseNorms(db);
        FloatMatrix queries = TestData.clustered(8, 32, 5);
        for (int qi = 0; qi < queries.rows(); qi++) {
            QueryScorer s = e.scorer(queries.row(qi));
            assertEquals(!kind.equals("pcaq") && !kind.equals("pq"), QuantizedLut.of(s).linear(), kind + ": plane encoders' tables are linear in the bits");
            FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, 10, 0, db.count());
            assertSame(want, AsymmetricSearch.scan(db, inv, s, 10, 0, db.count()), kind);
            TopK threaded = AsymmetricSearch.topK(db, inv, s, 10, 2);
            assertArrayEquals(want.toTopK().ids(), threaded.ids(), kind + " with 2 threads");
        }
    }

    /**
     * witq with its correction factor at 264 bits (256 planes and 8 factor bits): the factor bits carry no weight
     * in the table (they act through the inverse norms), so the scan reads only the first four of the five words;
     * the top 10 and its scores still equal the reference's, which reads them all.
     */
    @Test
    void witqWithFactorAt264BitsEqualsReference() {
        FloatMatrix train = TestData.clustered(6_000, 160, 6);
        Encoder e = Encoders.fit("witq", train, FitOptions.bits(264).with("factorBits", "8"));
        PackedCodes db = e.encodeAll(train);
        assertEquals(5, db.words());
        float[] inv = e.inverseNorms(db);
        FloatMatrix queries = TestData.clustered(8, 160, 7);
        for (int qi = 0; qi < queries.rows(); qi++) {
            QueryScorer s = e.scorer(queries.row(qi));
            assertTrue(QuantizedLut.of(s).linear());
            for (int k : new int[] {1, 10, 200}) {
                FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, k, 0, db.count());
                assertSame(want, AsymmetricSearch.scan(db, inv, s, k, 0, db.count()), "query " + qi + ", k " + k);
            }
        }
    }

    /** 256-bit codes (the unrolled four-row path) with a filter and an id base, against a filtered brute force. */
    @Test
    void selectionFindsTheValueASortPutsAtTheRank() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rnd.nextInt(300);
            // few distinct values in some trials, so runs of equal pivots are exercised
            int distinct = trial % 3 == 0 ? 1 + rnd.nextInt(4) : Integer.MAX_VALUE;
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = distinct == Integer.MAX_VALUE ? rnd.nextDouble() : rnd.nextInt(distinct);
            }
            double[] sorted = x.clone();
            java.util.Arrays.sort(sorted);
            int rank = rnd.nextInt(n);
            assertEquals(sorted[rank], BitPlanes.select(x.clone(), rank), "trial " + trial);
        }
    }

    @Test
    void filterAndIdBase() {
        Random r = new Random(3);
        int n = 20_001;
        PackedCodes db = PackedCodes.allocate(n, 256);
        for (int i = 0; i < db.data().length; i++) {
            db.data()[i] = r.nextLong();
        }
        float[] t = new float[32 * 256];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) r.nextGaussian();
        }
        QueryScorer s = new QueryScorer(t, 32, false);
        QuantizedLut.RowFilter keep = row -> row % 3 != 0;
        FloatHeap got = new FloatHeap(25);
        QuantizedLut.of(s).scan(db.data(), 4, 0, n, null, got, 1000, keep);
        FloatHeap want = new FloatHeap(25);
        for (int i = 0; i < n; i++) {
            if (keep.accept(i)) {
                // the reference's score of row i (its order of float additions)
                float score = AsymmetricSearch.scanReference(new PackedCodes(db.code(i), 1, 256), null, s, 1, 0, 1).toTopK().scores()[0];
                want.offer(score, 1000 + i);
            }
        }
        assertSame(want, got, "filtered");
        for (int id : got.toTopK().ids()) {
            assertTrue((id - 1000) % 3 != 0, "filtered row " + id + " returned");
        }
        assertEquals(25, got.size());
    }

    /**
     * Tables linear in the bits, built in float the way the plane encoders build theirs, take the bit-plane
     * path and still equal the reference: Gaussian weights, weights over six orders of magnitude, half the
     * weights zero, one weight dwarfing the rest (it saturates at the top level), a constant offset, 7 of
     * every 8 weights zero (the step's quantile is 0), and weights in the first 256 bits only (the scan then
     * reads four words of the wider codes).
     */
    @ParameterizedTest
    @ValueSource(ints = {64, 128, 200, 256, 264, 512})
    void linearTablesEqualReference(int bits) {
        Random r = new Random(100 + bits);
        int n = 6007;
        PackedCodes db = PackedCodes.allocate(n, bits);
        long[] a = db.data();
        int words = db.words();
        int bytes = db.bytesPerCode();
        long[] centre = new long[words];
        for (int w = 0; w < words; w++) {
            centre[w] = r.nextLong();
        }
        for (int i = 0; i < n; i++) {
            if (i > 0 && r.nextInt(4) == 0) {
                System.arraycopy(a, r.nextInt(i) * words, a, i * words, words);
                continue;
            }
            // codes scattered around one centre, so many land near the query's best code and near each other
            for (int w = 0; w < words; w++) {
                long flips = r.nextLong() & r.nextLong() & (r.nextBoolean() ? r.nextLong() : -1L);
                long x = centre[w] ^ flips;
                a[i * words + w] = (bits & 63) != 0 && w == words - 1 ? x & ((1L << (bits & 63)) - 1) : x;
            }
        }
        float[] inv = new float[n];
        for (int i = 0; i < n; i++) {
            inv[i] = i % 89 == 0 ? 0f : 0.8f + 0.4f * r.nextFloat();
        }
        for (int trial = 0; trial < 7; trial++) {
            float[] w = new float[bits];
            for (int j = 0; j < bits; j++) {
                double g = r.nextGaussian();
                w[j] = (float) switch (trial) {
                    case 1 -> g * Math.pow(10, r.nextInt(7) - 3);
                    case 2 -> j % 2 == 0 ? 0 : g;
                    case 3 -> j == 5 ? 1000 : g * 1e-3;
                    case 5 -> j % 8 == 3 ? g : 0; // the step's quantile is 0: it falls back to the largest weight
                    case 6 -> j < 256 ? g : 0; // wider codes whose words after the fourth carry no weight
                    default -> g;
                };
            }
            float constant = trial == 4 ? 50f : 0.25f;
            float[] t = new float[bytes * 256];
            for (int k = 0; k < bytes; k++) {
                for (int v = 0; v < 256; v++) {
                    float sum = 0;
                    for (int u = 0; u < 8; u++) {
                        sum += ((v >>> u) & 1) != 0 ? w[8 * k + u] : -w[8 * k + u];
                    }
                    t[(k << 8) | v] = k == 0 ? sum + constant : sum;
                }
            }
            for (int way = 0; way < 4; way++) {
                boolean normalized = way % 2 == 1;
                // the table as given (the linear form read back from it), or the same table built from the
                // weights by QueryScorer.ofSigns (the bound computed from the weights)
                QueryScorer s = way < 2 ? new QueryScorer(t, bytes, normalized) : QueryScorer.ofSigns(w, constant, normalized);
                if (way >= 2) {
                    assertArrayEquals(t, s.table(), "ofSigns builds the same table");
                }
                QuantizedLut lut = QuantizedLut.of(s);
                assertTrue(lut.linear(), "trial " + trial + " way " + way + " is linear");
                float[] norms = normalized ? inv : null;
                for (int k : new int[] {1, 10, 100, n + 5}) {
                    FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, k, 0, n);
                    FloatHeap got = new FloatHeap(k);
                    lut.scan(a, words, 0, n, norms, got, 0, null);
                    assertSame(want, got, bits + " bits, trial " + trial + ", k " + k + ", way " + way);
                }
                FloatHeap want = AsymmetricSearch.scanReference(db, inv, s, 10, 13, 5990);
                FloatHeap got = new FloatHeap(10);
                lut.scan(a, words, 13, 5990, norms, got, 0, null);
                assertSame(want, got, "range 13..5990");
                // the integer byte table, built on demand for a linear scorer, gives the same answer
                FloatHeap viaBytes = new FloatHeap(10);
                lut.scanByteTable(a, words, 13, 5990, norms, viaBytes, 0, null);
                assertSame(want, viaBytes, "byte table, range 13..5990");
                if (bits == 256) {
                    FloatHeap four = new FloatHeap(10);
                    lut.scanFourRows(a, 13, 5990, norms, four, 0, null);
                    assertSame(want, four, "scanFourRows, range 13..5990");
                }
                // a filter and an id base: the filtered brute force over the reference's scores
                QuantizedLut.RowFilter keep = row -> row % 5 != 1;
                FloatHeap filtered = new FloatHeap(20);
                lut.scan(a, words, 0, n, norms, filtered, 500, keep);
                FloatHeap all = AsymmetricSearch.scanReference(db, inv, s, n, 0, n);
                TopK ranked = all.toTopK();
                FloatHeap expect = new FloatHeap(20);
                for (int i = 0; i < ranked.size(); i++) {
                    if (keep.accept(ranked.ids()[i])) {
                        expect.offer(ranked.scores()[i], 500 + ranked.ids()[i]);
                    }
                }
                assertSame(expect, filtered, "filtered, trial " + trial);
            }
        }
    }
}
