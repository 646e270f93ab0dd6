package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The default nprobe measured per collection: when it is measured, what it holds, that searches use it, refusals. */
class NprobeCalibrationTest {
    static final int CELLS = 64;
    static final int DOCS = Partitioning.EXACT_BELOW + 4_000;
    static Encoder pcaq;
    static CoarseQuantizer quantizer;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() {
        pcaq = TestVectors.encoder("pcaq", 64);
        quantizer = PartitionedCollectionTest.quantizer(CELLS);
    }

    private static BulkSource source(long from, long to) {
        long[] next = {from};
        return () -> {
            if (next[0] >= to) {
                return null;
            }
            int n = (int) Math.min(26_000, to - next[0]);
            String[] ids = new String[n];
            float[] v = new float[n * TestVectors.DIM];
            for (int i = 0; i < n; i++) {
                ids[i] = "d" + (next[0] + i);
                System.arraycopy(TestVectors.vector(next[0] + i), 0, v, i * TestVectors.DIM, TestVectors.DIM);
            }
            next[0] += n;
            return new BulkBatch(ids, v, null, null);
        };
    }

    /** Recall@10 of the partitioned scan at {@code nprobe} against the exact scan, for queries outside the collection. */
    private static double recall(Collection c, int nprobe, int queries) {
        int found = 0;
        int total = 0;
        for (int q = 0; q < queries; q++) {
            float[] v = TestVectors.vector(900_000 + q);
            Set<String> exact = new HashSet<>();
            c.search(SearchRequest.of(v, 10).nprobe(0)).forEach(h -> exact.add(h.id()));
            for (Hit h : c.search(SearchRequest.of(v, 10).nprobe(nprobe))) {
                found += exact.contains(h.id()) ? 1 : 0;
            }
            total += exact.size();
        }
        return found / (double) total;
    }

    private static void assertWellFormed(NprobeCalibration cal, double target, int rows) {
        assertEquals(target, cal.target());
        assertEquals(rows, cal.rows());
        assertEquals(NprobeCalibration.DEFAULT_QUERIES, cal.queries());
        List<NprobeCalibration.Point> curve = cal.curve();
        assertEquals(1, curve.get(0).nprobe(), "the ladder starts at one cell");
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(curve.get(i).nprobe() > curve.get(i - 1).nprobe(), "the ladder rises: " + curve);
            assertTrue(curve.get(i - 1).recall() < target, "a step below the chosen one already reached the target: " + curve);
        }
        NprobeCalibration.Point last = curve.get(curve.size() - 1);
        assertEquals(cal.nprobe(), last.nprobe());
        assertEquals(cal.recall(), last.recall());
        assertTrue(cal.recall() >= target, cal.describe());
        assertTrue(cal.nprobe() < CELLS, "these clustered vectors need far fewer than all cells: " + cal.describe());
    }

    @Test
    void aBulkLoadOfACodesOnlyCollectionMeasuresItsDefaultAndSearchesUseIt() throws IOException {
        Path dir = tmp.resolve("c");
        NprobeCalibration cal;
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.NONE, 1000).withCoarse(quantizer))) {
            BulkResult r = c.bulkLoad(source(0, DOCS), null);
            cal = r.calibration();
            assertNotNull(cal, "a partitioned bulk load past " + Partitioning.EXACT_BELOW + " documents measures its default");
            assertWellFormed(cal, NprobeCalibration.DEFAULT_TARGET, DOCS);
            assertEquals(cal, c.nprobeCalibration());
            assertEquals(cal.nprobe(), c.defaultNprobe());
            int share = (CELLS * 3 + 15) / 16;
            assertNotEquals(share, cal.nprobe(), "the measured default replaces the fixed share (" + cal.describe() + ")");
            // a search that names no nprobe scans the measured number of cells: the same hits as naming it
            for (int q = 0; q < 10; q++) {
                float[] v = TestVectors.vector(800_000 + q);
                assertEquals(c.search(SearchRequest.of(v, 10).nprobe(cal.nprobe())), c.search(SearchRequest.of(v, 10)));
            }
            // it holds for queries it never saw: outside the collection, within sampling error of the target
            double outside = recall(c, cal.nprobe(), 100);
            assertTrue(outside >= NprobeCalibration.DEFAULT_TARGET - 0.04, "recall " + outside + " at " + cal.describe());

            // a small second load is not worth a new measurement (the collection has not doubled)
            BulkResult more = c.bulkLoad(source(DOCS, DOCS + 1_000), null);
            assertNull(more.calibration());
            assertEquals(cal, c.nprobeCalibration());
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(cal, c.nprobeCalibration(), "kept in the manifest");
            assertEquals(cal.nprobe(), c.defaultNprobe());
        }
    }

    @Test
    void aStricterTargetNeedsAtLeastAsManyCellsAndARemeasurementKeepsTheTarget() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("f"), pcaq, new CollectionOptions(FloatFormat.F32, 1000).withCoarse(quantizer))) {
            c.bulkLoad(source(0, DOCS), null);
            NprobeCalibration loose = c.calibrateNprobe(0.8, NprobeCalibration.DEFAULT_QUERIES);
            assertWellFormed(loose, 0.8, DOCS);
            assertEquals(loose.nprobe(), c.defaultNprobe());
            NprobeCalibration strict = c.calibrateNprobe(0.99, NprobeCalibration.DEFAULT_QUERIES);
            assertWellFormed(strict, 0.99, DOCS);
            assertTrue(strict.nprobe() > loose.nprobe(), loose.describe() + " / " + strict.describe());
            assertEquals(strict.nprobe(), c.defaultNprobe());
            // doubled by a bulk load: measured again, at the target it was last given
            BulkResult r = c.bulkLoad(source(DOCS, 2L * DOCS), null);
            assertNotNull(r.calibration());
            assertEquals(0.99, r.calibration().target());
            assertEquals(2 * DOCS, r.calibration().rows());
        }
    }

    @Test
    void belowTheExactSizeSearchesStayExactButAnExplicitMeasurementIsKept() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("s"), pcaq, new CollectionOptions(FloatFormat.F32, 1000).withCoarse(quantizer))) {
            assertNull(c.bulkLoad(source(0, 5_000), null).calibration());
            assertEquals(0, c.defaultNprobe());
            NprobeCalibration cal = c.calibrateNprobe(0.9, 50);
            assertEquals(50, cal.queries());
            assertEquals(cal, c.nprobeCalibration());
            assertEquals(0, c.defaultNprobe(), "exact below " + Partitioning.EXACT_BELOW + " documents whatever was measured");
        }
    }

    @Test
    void refusalsSayWhatIsWrongAndChangeNothing() throws IOException {
        Path dir = tmp.resolve("r");
        try (Collection plain = Collection.create(tmp.resolve("plain"), pcaq, new CollectionOptions(FloatFormat.F32, 1000))) {
            plain.add(TestDocs.docs(0, 50));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.calibrateNprobe(0.95, 20));
            assertTrue(e.getMessage().contains("not partitioned"), e.getMessage());
        }
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.NONE, 1000).withCoarse(quantizer))) {
            c.bulkLoad(source(0, 3_000), null);
            byte[] manifest = Files.readAllBytes(dir.resolve(SegmentFiles.MANIFEST));
            IllegalArgumentException noFloats = assertThrows(IllegalArgumentException.class, () -> c.calibrateNprobe(0.95, 20));
            assertTrue(noFloats.getMessage().contains("--vectors"), noFloats.getMessage());
            FloatMatrix sample = TestVectors.matrix(20, 700_000);
            for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
                IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> c.calibrateNprobe(sample, null, bad));
                assertTrue(t.getMessage().contains("target recall"), t.getMessage());
            }
            IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                    () -> c.calibrateNprobe(new FloatMatrix(new float[20 * 7], 20, 7), null, 0.9));
            assertTrue(dim.getMessage().contains("dimension") || dim.getMessage().contains("48"), dim.getMessage());
            float[] nan = sample.data().clone();
            nan[5] = Float.NaN;
            assertThrows(IllegalArgumentException.class, () -> c.calibrateNprobe(new FloatMatrix(nan, 20, TestVectors.DIM), null, 0.9));
            assertThrows(IllegalArgumentException.class, () -> c.calibrateNprobe(sample, new String[3], 0.9));
            assertArrayEquals(manifest, Files.readAllBytes(dir.resolve(SegmentFiles.MANIFEST)), "a refused calibration wrote nothing");
            // a sample given by the caller (outside queries: no ids) is measured and kept
            NprobeCalibration cal = c.calibrateNprobe(sample, null, 0.9);
            assertEquals(20, cal.queries());
            assertEquals(cal, c.nprobeCalibration());
        }
    }
}
