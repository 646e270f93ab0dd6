package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseFiles;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Partitioned collections (coarse cells, segments sorted by cell, nprobe) against the exact scan. */
class PartitionedCollectionTest {
    static final int CELLS = 16;
    static Encoder pcaq;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() {
        pcaq = TestVectors.encoder("pcaq", 64);
    }

    /** A small quantiser on the test vectors (8 clusters in 48 dimensions), fitted on seeds outside the documents'. */
    static CoarseQuantizer quantizer(int cells) {
        return CoarseQuantizer.fit(TestVectors.matrix(3000, 55_000_000L), cells, 8, 10, 7, Progress.NONE);
    }

    /** The same documents, writes and deletes in both: segments, a memtable, deletions in both, upserts. */
    private static void fill(Collection c) throws IOException {
        c.add(TestDocs.docs(0, 700));
        c.flush();
        c.add(TestDocs.docs(700, 500));
        c.delete(List.of("d3", "d5", "d701", "d1199"));
        c.upsert(TestDocs.replacements(10, 30));
        c.flush();
        c.add(TestDocs.docs(1200, 150)); // stays in the memtable
        c.delete(List.of("d1201"));
    }

    private static List<SearchRequest> requests() {
        List<SearchRequest> out = new ArrayList<>();
        for (long q = 0; q < 24; q++) {
            float[] v = TestVectors.vector(900_000 + q);
            out.add(SearchRequest.of(v, 10));
            out.add(SearchRequest.of(v, 7).mode(SearchMode.HAMMING));
            out.add(SearchRequest.of(v, 5).oversample(4));
            out.add(SearchRequest.of(v, 5).filter("parity", "odd"));
            out.add(SearchRequest.of(v, 5).where(org.bitsieve.store.filter.MetaFilterJson.parse("{\"field\": \"label\", \"op\": \"gte\", \"value\": 4}")));
        }
        return out;
    }

    private static void assertSameHits(List<Hit> a, List<Hit> b, String what) {
        assertEquals(a.size(), b.size(), what);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).score(), b.get(i).score(), 0f, what + " score " + i);
            assertEquals(a.get(i).id(), b.get(i).id(), what + " id " + i);
        }
    }

    @Test
    void nprobeZeroGivesTheUnpartitionedCollectionsResultsExactly() throws IOException {
        try (Collection plain = Collection.create(tmp.resolve("plain"), pcaq, new CollectionOptions(FloatFormat.F32, 400));
             Collection part = Collection.create(tmp.resolve("part"), pcaq, new CollectionOptions(FloatFormat.F32, 400).withCoarse(quantizer(CELLS)))) {
            fill(plain);
            fill(part);
            assertEquals(plain.count(), part.count());
            for (SearchRequest r : requests()) {
                List<Hit> exact = plain.search(r);
                // an unpartitioned collection: the default and explicit 0 are today's scan
                assertSameHits(exact, plain.search(r.nprobe(0)), "plain nprobe 0 " + r);
                List<Hit> partExact = part.search(r.nprobe(0));
                if (r.mode() == SearchMode.HAMMING) {
                    // equal distances are common: the rows' order (sorted by cell) decides among them, so only scores match
                    assertEquals(exact.stream().map(Hit::score).toList(), partExact.stream().map(Hit::score).toList(), "hamming " + r);
                } else {
                    assertSameHits(exact, partExact, "partitioned nprobe 0 " + r);
                }
                // small collections search exactly by default
                assertSameHits(partExact, part.search(r), "partitioned default " + r);
                // every cell: the same rows in the same order, so the same answer to the last tie
                assertSameHits(partExact, part.search(r.nprobe(CELLS)), "partitioned nprobe = cells " + r);
            }
            // the batch path mixes exact and partitioned requests
            List<SearchRequest> batch = List.of(requests().get(0).nprobe(0), requests().get(0).nprobe(CELLS), requests().get(5).nprobe(2));
            List<List<Hit>> got = part.searchBatch(batch);
            assertSameHits(part.search(batch.get(0)), got.get(0), "batch exact");
            assertSameHits(part.search(batch.get(1)), got.get(1), "batch all cells");
            assertSameHits(part.search(batch.get(2)), got.get(2), "batch 2 cells");
            SearchRequest cl = SearchRequest.of(TestVectors.vector(900_001), 9);
            assertEquals(plain.classify(cl, "label").label(), part.classify(cl.nprobe(CELLS), "label").label());
        }
    }

    @Test
    void aSelectiveFilterIsAnsweredExactlyWhateverTheNprobe() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("c"), pcaq, new CollectionOptions(FloatFormat.F32, 400).withCoarse(quantizer(CELLS)))) {
            fill(c);
            List<Doc> more = TestDocs.docs(1400, 400);
            for (long s = 2000; s < 2010; s++) { // ten rare documents spread over the clusters, so over many cells
                Doc d = TestVectors.doc(s);
                more.add(new Doc(d.id(), d.vector(), d.text(), "{\"tag\":\"rare\"}"));
            }
            c.add(more);
            c.flush();
            org.bitsieve.store.filter.MetaFilter rare = org.bitsieve.store.filter.MetaFilterText.parse("tag == 'rare'");
            for (long q = 0; q < 12; q++) {
                SearchRequest r = SearchRequest.of(TestVectors.vector(920_000 + q), 5).where(rare);
                List<Hit> exact = c.search(r.nprobe(0));
                assertEquals(5, exact.size());
                // one cell of 16 holds few of the ten: scanning it alone would miss most of the top 5
                assertSameHits(exact, c.search(r.nprobe(1)), "nprobe 1 " + q);
            }
        }
    }

    @Test
    void fewCellsReadOnlyTheirRowsAndTheMemtable() throws IOException {
        CoarseQuantizer q = quantizer(CELLS);
        try (Collection c = Collection.create(tmp.resolve("c"), pcaq, new CollectionOptions(FloatFormat.F32, 400).withCoarse(q))) {
            fill(c);
            for (long s = 0; s < 20; s++) {
                float[] v = TestVectors.vector(910_000 + s);
                List<Hit> hits = c.search(SearchRequest.of(v, 50).nprobe(1));
                int cell = q.probe(v, 1)[0];
                for (Hit h : hits) {
                    long seed = Long.parseLong(h.id().substring(1));
                    boolean inMemtable = seed >= 1200 && seed < 1350;
                    Doc d = c.get(h.id());
                    assertTrue(inMemtable || q.assign(d.vector()) == cell, h.id() + " is outside the probed cell");
                }
            }
        }
    }

    @Test
    void rowsStaySortedByCellThroughFlushCompactionDeletesUpsertsAndReopen() throws IOException {
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.F32, 400).withCoarse(quantizer(CELLS)))) {
            fill(c);
            checkSorted(c);
            c.compact();
            checkSorted(c);
            assertTrue(Files.exists(dir.resolve("coarse.bsq")));
        }
        try (Collection c = Collection.open(dir)) {
            checkSorted(c);
            assertEquals(1350 - 5, c.count());
            assertNull(c.get("d3"));
            assertNotNull(c.get("d1300"));
            c.upsert(TestDocs.docs(0, 100));
            c.delete(List.of("d1300"));
            c.flush();
            checkSorted(c);
            c.compact();
            checkSorted(c);
            assertEquals(1350 - 5 + 2 - 1, c.count()); // d3 and d5 came back, d1300 went
        }
    }

    /**
     * Every segment of a partitioned collection: its cell offsets cover its rows, and each live row lies in the
     * cell its stored vector is assigned to (floats kept) or at least in a valid cell.
     */
    static void checkSorted(Collection c) {
        CoarseQuantizer q = c.coarse();
        if (q == null) {
            return;
        }
        for (View v : c.snapshot().views()) {
            if (!(v.part() instanceof Segment s)) {
                continue;
            }
            int[] off = s.cellOffsets();
            assertNotNull(off, "segment " + s.number + " has no cell offsets");
            assertEquals(q.cells() + 1, off.length);
            assertEquals(0, off[0]);
            assertEquals(s.count(), off[q.cells()]);
            float[] vec = new float[c.encoder().dimension()];
            for (int cell = 0; cell < q.cells(); cell++) {
                assertTrue(off[cell] <= off[cell + 1]);
                for (int r = off[cell]; r < off[cell + 1]; r++) {
                    assertEquals(cell, s.cell(r));
                    if (s.hasVectors() && c.floats() == FloatFormat.F32) {
                        s.vector(r, vec);
                        assertEquals(cell, q.assign(vec), "segment " + s.number + " row " + r);
                    }
                }
            }
        }
    }

    @Test
    void aLogWrittenBeforeACrashReplaysWithItsCells() throws IOException {
        Path dir = tmp.resolve("c");
        Path copy = tmp.resolve("copy");
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.NONE, 400).withCoarse(quantizer(CELLS)))) {
            c.add(TestDocs.docs(0, 300));
            c.delete(List.of("d7"));
            // the folder as a kill -9 would leave it: the batches only in the log (codes-only: no vectors to recompute cells)
            Files.createDirectories(copy);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (!p.getFileName().toString().equals(SegmentFiles.LOCK)) {
                        Files.copy(p, copy.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        try (Collection c = Collection.open(copy)) {
            assertEquals(299, c.count());
            c.flush();
            checkSorted(c);
            List<Hit> exact = c.search(SearchRequest.of(TestVectors.vector(5), 10).nprobe(0));
            assertSameHits(exact, c.search(SearchRequest.of(TestVectors.vector(5), 10).nprobe(CELLS)), "after replay");
        }
        try (Collection a = Collection.open(dir); Collection b = Collection.open(copy)) {
            // one segment each: the original flushed at close, the replayed copy by the flush above
            List<Segment> sa = segmentsOf(a);
            List<Segment> sb = segmentsOf(b);
            assertEquals(1, sa.size());
            assertEquals(1, sb.size());
            assertArrayEquals(sa.get(0).cellOffsets(), sb.get(0).cellOffsets());
        }
    }

    private static List<Segment> segmentsOf(Collection c) {
        List<Segment> out = new ArrayList<>();
        for (View v : c.snapshot().views()) {
            if (v.part() instanceof Segment s) {
                out.add(s);
            }
        }
        return out;
    }

    /** Enough rows that a partitioned scan is split between two threads: the merged answer still equals the exact scan. */
    @Test
    void aScanSplitBetweenThreadsEqualsTheExactScan() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("big"), pcaq, new CollectionOptions(FloatFormat.NONE, 50_000).withCoarse(quantizer(CELLS)))) {
            for (int from = 0; from < 110_000; from += 10_000) {
                c.add(TestDocs.docs(from, 10_000));
            }
            c.delete(List.of("d17", "d60001"));
            for (long s = 0; s < 12; s++) {
                float[] v = TestVectors.vector(920_000 + s);
                for (SearchRequest r : List.of(SearchRequest.of(v, 10).threads(2), SearchRequest.of(v, 10).threads(2).mode(SearchMode.HAMMING))) {
                    assertSameHits(c.search(r.nprobe(0)), c.search(r.nprobe(CELLS)), "split scan " + r.mode());
                    assertSameHits(c.search(r.nprobe(3).threads(1)), c.search(r.nprobe(3)), "one thread or two, nprobe 3 " + r.mode());
                }
            }
            assertEquals(3, c.defaultNprobe()); // 110k rows: past the exact threshold, 16 cells x 3/16
        }
    }

    @Test
    void defaultNprobeIsExactBelowTheThresholdThenAShareOfTheCells() {
        CoarseQuantizer q = quantizer(CELLS);
        assertEquals(0, Partitioning.defaultNprobe(null, 10_000_000, 0));
        assertEquals(0, Partitioning.defaultNprobe(q, Partitioning.EXACT_BELOW - 1, 0));
        assertEquals(3, Partitioning.defaultNprobe(q, Partitioning.EXACT_BELOW, 0)); // 16 x 3/16
        assertEquals(0, Partitioning.defaultNprobe(q, Partitioning.EXACT_BELOW - 1, 5)); // a measured default: still exact when small
        assertEquals(5, Partitioning.defaultNprobe(q, Partitioning.EXACT_BELOW, 5));
        assertEquals(16, Partitioning.defaultNprobe(q, Partitioning.EXACT_BELOW, 99)); // never more than the cells
    }

    @Test
    void badNprobeIsRefusedNamingTheRange() throws IOException {
        try (Collection part = Collection.create(tmp.resolve("p"), pcaq, new CollectionOptions(FloatFormat.NONE, 400).withCoarse(quantizer(CELLS)));
             Collection plain = Collection.create(tmp.resolve("q"), pcaq, new CollectionOptions(FloatFormat.NONE, 400))) {
            part.add(TestDocs.docs(0, 50));
            plain.add(TestDocs.docs(0, 50));
            float[] v = TestVectors.vector(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> part.search(SearchRequest.of(v, 3).nprobe(CELLS + 1)));
            assertTrue(e.getMessage().contains("0.." + CELLS), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> plain.search(SearchRequest.of(v, 3).nprobe(4)));
            assertTrue(e.getMessage().contains("not partitioned"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SearchRequest.of(v, 3).nprobe(-2));
            assertTrue(e.getMessage().contains("nprobe"), e.getMessage());
            assertEquals(3, plain.search(SearchRequest.of(v, 3).nprobe(0)).size());
        }
    }

    @Test
    void aQuantiserOfTheWrongDimensionIsRefusedAtCreate() {
        CoarseQuantizer q = CoarseQuantizer.fit(new FloatMatrix(new float[200 * 8], 200, 8).requireFinite("x"), 4, 2, 2, 1, Progress.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Collection.create(tmp.resolve("x"), pcaq, CollectionOptions.defaults().withCoarse(q)));
        assertTrue(e.getMessage().contains("dimension 8"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x").resolve(SegmentFiles.MANIFEST)));
    }

    @Test
    void aDamagedCellsPartOrAnotherQuantiserIsCorruption() throws IOException {
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.NONE, 400).withCoarse(quantizer(CELLS)))) {
            c.add(TestDocs.docs(0, 300));
        }
        Path cells = Cells.path(dir, 1);
        assertTrue(Files.exists(cells));
        byte[] orig = Files.readAllBytes(cells);
        try (RandomAccessFile f = new RandomAccessFile(cells.toFile(), "rw")) {
            f.seek(StoreFile.HEADER + 9);
            f.write(orig[StoreFile.HEADER + 9] ^ 0x10);
        }
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains(cells.toString()) && e.getMessage().contains("block 0"), e.getMessage());
        assertFalse(Collection.verify(dir).problems().isEmpty());
        Files.write(cells, orig);
        Collection.open(dir).close();
        // another quantiser in its place: the rows are sorted by other cells
        Path qf = dir.resolve(Cells.QUANTIZER);
        byte[] q = Files.readAllBytes(qf);
        CoarseFiles.save(quantizer(CELLS + 1), qf);
        e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains(qf.toString()) && e.getMessage().contains("does not match"), e.getMessage());
        Files.delete(qf);
        e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        Files.write(qf, q);
        Files.delete(cells);
        e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains(cells.toString()), e.getMessage());
    }
}
