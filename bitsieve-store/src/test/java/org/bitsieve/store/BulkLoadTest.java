package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class BulkLoadTest {
    @TempDir
    Path tmp;

    /** Batches of TestVectors docs with seeds from..to (exclusive), {@code per} rows each. */
    static BulkSource source(long from, long to, int per) {
        List<BulkBatch> batches = new ArrayList<>();
        for (long s = from; s < to; s += per) {
            int n = (int) Math.min(per, to - s);
            batches.add(batch(s, n, "text of "));
        }
        Iterator<BulkBatch> it = batches.iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    static BulkBatch batch(long s0, int n, String textPrefix) {
        String[] ids = new String[n];
        String[] texts = new String[n];
        String[] metas = new String[n];
        float[] v = new float[n * TestVectors.DIM];
        for (int i = 0; i < n; i++) {
            Doc d = TestVectors.doc(s0 + i);
            ids[i] = d.id();
            texts[i] = textPrefix + (s0 + i);
            metas[i] = d.metadataJson();
            System.arraycopy(d.vector(), 0, v, i * TestVectors.DIM, TestVectors.DIM);
        }
        return new BulkBatch(ids, v, texts, metas);
    }

    @Test
    void bulkLoadedCollectionSearchesLikeOneWrittenDocByDoc() throws Exception {
        var enc = TestVectors.encoder("pcaq", 64);
        try (Collection a = Collection.create(tmp.resolve("a"), enc, CollectionOptions.defaults().withFloats(FloatFormat.F16));
             Collection b = Collection.create(tmp.resolve("b"), enc, CollectionOptions.defaults().withFloats(FloatFormat.F16))) {
            for (long s = 0; s < 2500; s += 500) {
                WriteBatch w = new WriteBatch();
                for (long i = s; i < s + 500; i++) {
                    Doc d = TestVectors.doc(i);
                    w.add(new Doc(d.id(), d.vector(), "text of " + i, d.metadataJson()));
                }
                a.write(w);
            }
            List<Long> progress = new ArrayList<>();
            BulkResult r = b.bulkLoad(source(0, 2500, 700), progress::add);
            assertEquals(2500, r.docs());
            assertEquals(0, r.replaced());
            assertEquals(4, r.batches());
            assertEquals(List.of(700L, 1400L, 2100L, 2500L), progress);
            assertEquals(2500, b.count());
            for (long q = 90_000; q < 90_020; q++) {
                for (int over : new int[] {1, 5}) {
                    SearchRequest req = SearchRequest.of(TestVectors.vector(q), 10).oversample(over);
                    assertEquals(a.search(req), b.search(req), "query " + q + " oversample " + over);
                }
                SearchRequest f = SearchRequest.of(TestVectors.vector(q), 5).filter("parity", "odd");
                assertEquals(a.search(f), b.search(f));
            }
            Doc d = b.get("d1234");
            assertEquals("text of 1234", d.text());
            assertArrayEquals(CrashTest.roundF16(TestVectors.vector(1234)), d.vector());
        }
        assertTrue(Collection.verify(tmp.resolve("b")).healthy(), Collection.verify(tmp.resolve("b")).problems().toString());
        try (Collection b = Collection.open(tmp.resolve("b"))) {
            assertEquals(2500, b.count());
            assertEquals("text of 7", b.get("d7").text());
        }
    }

    /**
     * Upserts across many segments through the batched lookup (a segment's id index walked once per batch for big
     * batches, searched per id for small ones): every earlier copy is found, none twice, whatever the hashes, as if
     * the same documents were upserted one by one. With colliding hashes too (two values for all ids).
     */
    @Test
    void upsertsAcrossManySegmentsFindEveryEarlierCopyAsWritesOneByOneWould() throws Exception {
        for (boolean collide : new boolean[] {false, true}) {
            IdHashIndex.testHash = collide ? id -> id.length() % 2 == 0 ? 42L : -7L : null;
            try (Collection bulk = Collection.create(tmp.resolve("b" + collide), TestVectors.encoder("witq", 64), CollectionOptions.defaults().withFloats(FloatFormat.F32));
                 Collection one = Collection.create(tmp.resolve("o" + collide), TestVectors.encoder("witq", 64), CollectionOptions.defaults().withFloats(FloatFormat.F32))) {
                java.util.Random rnd = new java.util.Random(3);
                long replacedBulk = 0;
                int expectReplaced = 0;
                java.util.Set<String> live = new java.util.HashSet<>();
                for (int round = 0; round < 9; round++) {
                    // big batches walk the indexes; a 4-row batch searches per id; half of each reuses ids already loaded
                    int n = round == 5 ? 4 : 300;
                    String[] ids = new String[n];
                    String[] texts = new String[n];
                    float[] v = new float[n * TestVectors.DIM];
                    List<Doc> docs = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        long seed = round * 1000L + i;
                        ids[i] = i % 2 == 0 && round > 0 ? "d" + (rnd.nextInt(round) * 1000 + rnd.nextInt(300)) : "d" + seed;
                        texts[i] = "round " + round + " row " + i;
                        System.arraycopy(TestVectors.vector(seed), 0, v, i * TestVectors.DIM, TestVectors.DIM);
                        docs.add(new Doc(ids[i], TestVectors.vector(seed), texts[i], null));
                    }
                    java.util.Set<String> distinct = new java.util.HashSet<>(List.of(ids));
                    for (String id : distinct) {
                        expectReplaced += live.contains(id) ? 1 : 0;
                    }
                    expectReplaced += n - distinct.size(); // repeats inside the batch
                    live.addAll(distinct);
                    Iterator<BulkBatch> it = List.of(new BulkBatch(ids, v, texts, null)).iterator();
                    replacedBulk += bulk.bulkLoad(() -> it.hasNext() ? it.next() : null, null).replaced();
                    for (Doc d : docs) {
                        one.upsert(List.of(d));
                    }
                    if (round == 6) { // deletions between loads: a deleted earlier copy is not a live one
                        List<String> gone = List.of("d" + 1000, "d" + 2001, "d" + 3002);
                        bulk.delete(gone);
                        one.delete(gone);
                        live.removeAll(gone);
                    }
                }
                assertEquals(expectReplaced, replacedBulk, "collide " + collide);
                assertEquals(live.size(), bulk.count(), "collide " + collide);
                assertEquals(one.count(), bulk.count());
                for (String id : live) {
                    Doc a = bulk.get(id);
                    Doc b = one.get(id);
                    assertEquals(b.text(), a.text(), id);
                    assertArrayEquals(b.vector(), a.vector(), id);
                }
                List<String> ids = new ArrayList<>();
                bulk.snapshot().forEachId(ids::add);
                assertEquals(ids.size(), ids.stream().distinct().count(), "an id is live twice");
            } finally {
                IdHashIndex.testHash = null;
            }
        }
    }

    @Test
    void upsertReplacesEarlierCopiesInSegmentsMemtableAndTheBatch() throws Exception {
        Path dir = tmp.resolve("u");
        try (Collection c = Collection.create(dir, TestVectors.encoder("witq", 64), CollectionOptions.defaults().withFloats(FloatFormat.F32))) {
            c.bulkLoad(source(0, 1000, 400), null);
            WriteBatch w = new WriteBatch(); // in the memtable and log when the bulk load starts
            for (long i = 1000; i < 1100; i++) {
                w.add(TestVectors.doc(i));
            }
            c.write(w);
            // ids 900..1049 again (in a segment and in the memtable), and d5 twice inside the batch
            BulkBatch again = batch(900, 150, "new ");
            String[] ids = again.ids().clone();
            ids[0] = "d5";
            ids[1] = "d5";
            BulkBatch b = new BulkBatch(ids, again.vectors(), again.texts(), again.metadataJson());
            Iterator<BulkBatch> it = List.of(b).iterator();
            BulkResult r = c.bulkLoad(() -> it.hasNext() ? it.next() : null, null);
            // rows 0, 1 carry id d5 (the first superseded by the second, the second replaces the old d5); ids d900, d901 are not in the batch
            assertEquals(150, r.docs());
            assertEquals(1 + 1 + 148, r.replaced());
            assertEquals(1100, c.count()); // every id of the batch existed already: d900 and d901 stay, d5 is replaced
            assertEquals("new 901", c.get("d5").text());
            assertEquals("text of 900", c.get("d900").text());
            assertEquals("new 950", c.get("d950").text());
            assertEquals("new 1049", c.get("d1049").text());
            assertEquals("text of 1050", c.get("d1050").text());
            assertArrayEquals(TestVectors.vector(901), c.get("d5").vector());
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(1100, c.count());
            assertEquals("new 901", c.get("d5").text());
            List<String> ids = new ArrayList<>();
            c.snapshot().forEachId(ids::add);
            assertEquals(ids.size(), ids.stream().distinct().count(), "an id is live twice");
            c.compact();
            assertEquals(1100, c.count());
            assertEquals("new 1000", c.get("d1000").text());
        }
    }

    @Test
    void partitionedCollectionGetsCellSortedSegmentsLikeFlushes() throws Exception {
        var enc = TestVectors.encoder("pcaq", 64);
        var q = PartitionedCollectionTest.quantizer(PartitionedCollectionTest.CELLS);
        CollectionOptions o = CollectionOptions.defaults().withFloats(FloatFormat.F16).withCoarse(q);
        try (Collection a = Collection.create(tmp.resolve("a"), enc, o); Collection b = Collection.create(tmp.resolve("b"), enc, o)) {
            for (long s = 0; s < 1500; s += 500) {
                WriteBatch w = new WriteBatch();
                for (long i = s; i < s + 500; i++) {
                    Doc d = TestVectors.doc(i);
                    w.add(new Doc(d.id(), d.vector(), "text of " + i, d.metadataJson()));
                }
                a.write(w);
                a.flush();
            }
            b.bulkLoad(source(0, 1500, 500), null);
            for (long qq = 0; qq < 20; qq++) {
                for (int nprobe : new int[] {0, 1, 3, PartitionedCollectionTest.CELLS}) {
                    SearchRequest r = SearchRequest.of(TestVectors.vector(950_000 + qq), 10).nprobe(nprobe);
                    assertEquals(a.search(r), b.search(r), "nprobe " + nprobe);
                    assertEquals(a.search(r.mode(SearchMode.HAMMING)), b.search(r.mode(SearchMode.HAMMING)), "hamming nprobe " + nprobe);
                }
            }
            assertEquals(a.cellBalance(), b.cellBalance());
        }
        try (Stream<Path> s = Files.list(tmp.resolve("b"))) {
            assertEquals(3, s.filter(p -> p.toString().endsWith(".cells")).count());
        }
        try (Collection b = Collection.open(tmp.resolve("b"))) {
            assertEquals(1500, b.count());
            assertEquals("text of 77", b.get("d77").text());
            b.compact();
            assertEquals(1500, b.count());
        }
    }

    @Test
    void codesOnlyCollection() throws Exception {
        Path dir = tmp.resolve("n");
        try (Collection c = Collection.create(dir, TestVectors.encoder("pcaq", 64), CollectionOptions.defaults())) {
            c.bulkLoad(source(0, 300, 128), null);
            assertEquals(300, c.count());
            assertNull(c.get("d3").vector());
            assertEquals("d3", c.search(SearchRequest.of(TestVectors.vector(3), 1)).get(0).id());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".vectors")));
        }
    }

    @Test
    void badBatchIsRefusedWithNothingOfItWritten() throws Exception {
        Path dir = tmp.resolve("bad");
        try (Collection c = Collection.create(dir, TestVectors.encoder("pcaq", 64), CollectionOptions.defaults().withFloats(FloatFormat.F16))) {
            c.bulkLoad(source(0, 100, 100), null);
            List<String> before = listing(dir);
            BulkBatch nan = batch(100, 50, "x");
            nan.vectors()[17 * TestVectors.DIM + 3] = Float.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.bulkLoad(once(nan), null));
            assertTrue(e.getMessage().contains("d117") && e.getMessage().contains("non-finite"), e.getMessage());
            BulkBatch big = batch(100, 50, "x");
            big.vectors()[3] = 1e6f; // does not fit f16
            e = assertThrows(IllegalArgumentException.class, () -> c.bulkLoad(once(big), null));
            assertTrue(e.getMessage().contains("f16"), e.getMessage());
            BulkBatch shortRows = new BulkBatch(new String[] {"x1", "x2"}, new float[TestVectors.DIM * 2 - 1], null, null);
            e = assertThrows(IllegalArgumentException.class, () -> c.bulkLoad(once(shortRows), null));
            assertTrue(e.getMessage().contains("dimension " + TestVectors.DIM), e.getMessage());
            BulkBatch badMeta = batch(100, 3, "x");
            badMeta.metadataJson()[2] = "[1]";
            e = assertThrows(IllegalArgumentException.class, () -> c.bulkLoad(once(badMeta), null));
            assertTrue(e.getMessage().contains("d102"), e.getMessage());
            assertEquals(before, listing(dir));
            assertEquals(100, c.count());
            // still writable after refused input
            c.bulkLoad(once(batch(100, 10, "ok")), null);
            assertEquals(110, c.count());
        }
    }

    static BulkSource once(BulkBatch b) {
        Iterator<BulkBatch> it = List.of(b).iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
