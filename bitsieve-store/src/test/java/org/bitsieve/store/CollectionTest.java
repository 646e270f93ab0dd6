package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class CollectionTest {
    static Encoder pcaq;
    static Encoder itq;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() {
        pcaq = TestVectors.encoder("pcaq", 64);
        itq = TestVectors.encoder("itq", 40);
    }

    /**
     * Hamming classify with codes tied at the k-th distance: a plain top 3 keeps the two tied "y" codes inserted
     * first and votes y; the tie-aware vote lets all five tied codes share the two remaining votes (0.4 each),
     * so z (3 x 0.4 = 1.2) beats x (1) and y (0.8), whatever the insertion order. Asymmetric mode is unaffected.
     */
    @Test
    void hammingClassifySharesTheVotesOfCodesTiedAtTheKthDistance() throws IOException {
        float[] q = TestVectors.vector(0);
        float[] far = TestVectors.vector(1);
        long[] cq = itq.encode(q);
        long[] cf = itq.encode(far);
        assertTrue(!java.util.Arrays.equals(cq, cf), "the test needs two different codes");
        try (Collection c = Collection.create(tmp.resolve("ties"), itq, new CollectionOptions(FloatFormat.NONE, 1000))) {
            List<Doc> docs = new ArrayList<>();
            docs.add(new Doc("x", q, "x", "{\"label\":\"x\"}"));
            String[] tiedLabels = {"y", "y", "z", "z", "z"};
            for (int i = 0; i < tiedLabels.length; i++) {
                docs.add(new Doc("t" + i, far, "t" + i, "{\"label\":\"" + tiedLabels[i] + "\"}"));
            }
            c.add(docs);
            Classification cl = c.classify(SearchRequest.of(q, 3).mode(SearchMode.HAMMING), "label");
            assertEquals("z", cl.label());
            assertEquals(1.0, cl.votes().get("x"), 1e-12);
            assertEquals(0.8, cl.votes().get("y"), 1e-12);
            assertEquals(1.2, cl.votes().get("z"), 1e-12);
            assertEquals(3, cl.neighbours().size());
            // k = 1 has no tie (only x at distance 0): x alone votes
            Classification one = c.classify(SearchRequest.of(q, 1).mode(SearchMode.HAMMING), "label");
            assertEquals("x", one.label());
            assertEquals(Map.of("x", 1.0), one.votes());
            // all six: every code votes once, z has three
            Classification all = c.classify(SearchRequest.of(q, 6).mode(SearchMode.HAMMING), "label");
            assertEquals("z", all.label());
            assertEquals(3.0, all.votes().get("z"), 1e-12);
        }
    }

    /**
     * Collections whose manifest records the legacy encoder fingerprint (written before the SHA-256 one) still
     * open, take writes and reopen; a manifest naming another encoder is refused.
     */
    @Test
    void legacyEncoderFingerprintStillOpensAndAWrongOneIsRefused() throws IOException {
        Path dir = tmp.resolve("legacy");
        Collection.create(dir, itq, new CollectionOptions(FloatFormat.NONE, 50)).close();
        Manifest m = Manifest.read(dir);
        long legacy = org.bitsieve.core.io.EncoderFiles.legacyFingerprint(itq);
        assertNotEquals(legacy, m.encoderFingerprint());
        withFingerprint(m, legacy).write(dir);
        try (Collection c = Collection.open(dir)) {
            c.add(TestDocs.docs(0, 120)); // more than the memtable holds: segments are written under the legacy fingerprint
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(120, c.count());
            assertEquals("text of 7", c.get("d7").text());
        }
        withFingerprint(Manifest.read(dir), legacy ^ 0x10000L).write(dir);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir).close());
        assertTrue(e.getMessage().contains("encoder does not match the manifest"), e.getMessage());
    }

    private static Manifest withFingerprint(Manifest m, long fp) {
        return new Manifest(m.format(), m.generation() + 1, m.wal(), m.nextSegment(), m.bits(), m.dim(), fp, m.encoderKind(),
                m.floats(), m.memtableDocs(), m.segments());
    }

    @Test
    void addGetDeleteUpsertSurviveReopen() throws IOException {
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, pcaq, CollectionOptions.defaults().withFloats(FloatFormat.F32))) {
            c.add(TestDocs.docs(0, 100));
            assertEquals(100, c.count());
            assertEquals(2, c.delete(List.of("d3", "d4", "nope")));
            c.upsert(List.of(new Doc("d5", TestVectors.vector(5), "new five", null)));
            assertThrows(IllegalArgumentException.class, () -> c.add(List.of(TestVectors.doc(7))));
            assertEquals(98, c.count());
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(98, c.count());
            assertNull(c.get("d3"));
            assertEquals("new five", c.get("d5").text());
            assertNull(c.get("d5").metadataJson());
            Doc d9 = c.get("d9");
            assertEquals("text of 9", d9.text());
            assertArrayEquals(TestVectors.vector(9), d9.vector());
            assertEquals(TestVectors.doc(9).metadataJson(), d9.metadataJson());
        }
    }

    @Test
    void batchIsAllOrNothing() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("c"), pcaq, CollectionOptions.defaults())) {
            c.add(TestDocs.docs(0, 10));
            WriteBatch b = new WriteBatch().add(TestVectors.doc(100)).add(TestVectors.doc(1));
            assertThrows(IllegalArgumentException.class, () -> c.write(b));
            assertEquals(10, c.count());
            assertNull(c.get("d100"));
            // delete then re-add in one batch is fine
            c.write(new WriteBatch().delete("d1").add(new Doc("d1", TestVectors.vector(1), "again", null)));
            assertEquals("again", c.get("d1").text());
            assertThrows(IllegalArgumentException.class, () -> c.add(List.of(new Doc("bad", new float[3], "x", null))));
            assertThrows(IllegalArgumentException.class, () -> c.add(List.of(new Doc("bad", TestVectors.vector(1), "x", "[1]"))));
        }
    }

    /** The core's plain float loop, the definition of the asymmetric score (the store's scan takes a faster path). */
    static TopK asymReference(PackedCodes codes, float[] inv, Encoder enc, float[] query, int k) {
        return AsymmetricSearch.scanReference(codes, inv, enc.scorer(query), k, 0, codes.count()).toTopK();
    }

    static void assertSame(TopK ref, List<Doc> order, List<Hit> hits) {
        assertEquals(ref.size(), hits.size());
        for (int i = 0; i < hits.size(); i++) {
            assertEquals(order.get(ref.ids()[i]).id(), hits.get(i).id(), "rank " + i);
            assertEquals(ref.scores()[i], hits.get(i).score(), 0f, "rank " + i);
        }
    }

    @Test
    void forEachDocGivesLiveDocsInStorageOrderWithTheirCodes() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("c"), itq, new CollectionOptions(FloatFormat.NONE, 500))) {
            Map<String, Doc> live = new HashMap<>();
            List<Doc> order = TestDocs.populate(c, live, 23, 20);   // segments, a memtable and deletions
            List<StoredDoc> seen = new ArrayList<>();
            c.snapshot().forEachDoc(seen::add);
            assertEquals(order.size(), seen.size());
            for (int i = 0; i < seen.size(); i++) {
                Doc want = order.get(i);
                StoredDoc got = seen.get(i);
                assertEquals(want.id(), got.id());
                assertEquals(want.text(), got.text());
                assertEquals(want.metadataJson(), got.metadataJson());
                assertArrayEquals(itq.encode(want.vector()), got.code(), "code of " + want.id());
            }
        }
    }

    @Test
    void searchEqualsCoreReferenceAcrossSegmentsAndDeletes() throws IOException {
        for (Encoder enc : List.of(pcaq, itq)) {
            Path dir = tmp.resolve("c-" + enc.kind());
            try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 500))) {
                Map<String, Doc> live = new HashMap<>();
                List<Doc> order = TestDocs.populate(c, live, 23, 20);
                assertEquals(live.size(), c.count());
                assertTrue(c.snapshot().views().size() > 3, "several segments");
                PackedCodes codes = enc.encodeAll(TestDocs.vectors(order));
                float[] inv = enc.inverseNorms(codes);
                for (int q = 0; q < 20; q++) {
                    float[] query = TestVectors.vector(9_000_000 + q);
                    for (int threads : new int[] {1, 3}) {
                        List<Hit> h = c.search(SearchRequest.of(query, 10).mode(SearchMode.HAMMING).threads(threads));
                        assertSame(HammingSearch.topK(codes, enc.encode(query), 10), order, h);
                        List<Hit> a = c.search(SearchRequest.of(query, 10).mode(SearchMode.ASYMMETRIC).threads(threads));
                        assertSame(asymReference(codes, inv, enc, query, 10), order, a);
                    }
                    // filter: equal to the reference over the matching documents only
                    List<Doc> even = order.stream().filter(d -> d.metadataJson().contains("even")).toList();
                    PackedCodes ec = enc.encodeAll(TestDocs.vectors(even));
                    assertSame(asymReference(ec, enc.inverseNorms(ec), enc, query, 7), even,
                            c.search(SearchRequest.of(query, 7).filter("parity", "even")));
                }
                // compaction keeps every answer
                List<Hit> before = c.search(SearchRequest.of(TestVectors.vector(5), 10));
                c.compact();
                assertEquals(live.size(), c.count());
                assertEquals(before, c.search(SearchRequest.of(TestVectors.vector(5), 10)));
            }
            try (Collection c = Collection.open(dir); Stream<Path> files = Files.list(dir)) {
                assertEquals(1, files.filter(p -> p.toString().endsWith(".codes")).count());
                assertTrue(c.count() > 0);
            }
        }
    }

    /** 256- and 320-bit codes take the scan's unrolled paths; they must still equal the core exactly. */
    @Test
    void wideCodesEqualCoreReference() throws IOException {
        int dim = 96;
        java.util.function.LongFunction<float[]> vec = seed -> {
            float[] v = new float[dim];
            System.arraycopy(TestVectors.vector(seed), 0, v, 0, 48);
            System.arraycopy(TestVectors.vector(seed + 1_000_000_000L), 0, v, 48, 48);
            return v;
        };
        float[] train = new float[3000 * dim];
        for (int i = 0; i < 3000; i++) {
            System.arraycopy(vec.apply(50_000_000L + i), 0, train, i * dim, dim);
        }
        // 320 bits: five words per code, the width of 264-bit factor codes, with its own unrolled Hamming loop
        for (String spec : List.of("pcaq:256", "simhash:256", "simhash:320")) {
            String kind = spec.substring(0, spec.indexOf(':'));
            Encoder enc = org.bitsieve.core.encode.Encoders.fit(kind, new FloatMatrix(train, 3000, dim),
                    org.bitsieve.core.encode.FitOptions.bits(Integer.parseInt(spec.substring(spec.indexOf(':') + 1))));
            try (Collection c = Collection.create(tmp.resolve("w-" + kind + "-" + enc.bits()), enc, new CollectionOptions(FloatFormat.NONE, 1500))) {
                Map<String, float[]> live = new java.util.LinkedHashMap<>();
                for (int b = 0; b < 4; b++) {
                    List<Doc> batch = new ArrayList<>();
                    for (int i = 0; i < 1003; i++) {
                        long seed = b * 10_000L + i;
                        batch.add(new Doc("w" + seed, vec.apply(seed), "", null));
                        live.put("w" + seed, vec.apply(seed));
                    }
                    c.add(batch);
                    List<String> del = List.of("w" + (b * 10_000L + 7), "w" + (b * 10_000L + 500));
                    c.delete(del);
                    del.forEach(live::remove);
                }
                List<String> order = new ArrayList<>();
                c.snapshot().forEachId(order::add);
                float[] d = new float[order.size() * dim];
                for (int i = 0; i < order.size(); i++) {
                    System.arraycopy(live.get(order.get(i)), 0, d, i * dim, dim);
                }
                PackedCodes codes = enc.encodeAll(new FloatMatrix(d, order.size(), dim));
                float[] inv = enc.inverseNorms(codes);
                for (int q = 0; q < 15; q++) {
                    float[] query = vec.apply(8_000_000L + q);
                    for (int threads : new int[] {1, 2}) {
                        TopK ref = asymReference(codes, inv, enc, query, 20);
                        List<Hit> hits = c.search(SearchRequest.of(query, 20).threads(threads));
                        TopK href = HammingSearch.topK(codes, enc.encode(query), 20);
                        List<Hit> hh = c.search(SearchRequest.of(query, 20).mode(SearchMode.HAMMING).threads(threads));
                        for (int i = 0; i < 20; i++) {
                            assertEquals(order.get(ref.ids()[i]), hits.get(i).id());
                            assertEquals(ref.scores()[i], hits.get(i).score(), 0f);
                            assertEquals(order.get(href.ids()[i]), hh.get(i).id());
                            assertEquals(href.scores()[i], hh.get(i).score(), 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void parallelScanOverManyRowsEqualsSingleThread() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("big"), itq, new CollectionOptions(FloatFormat.NONE, 40_000))) {
            for (int b = 0; b < 5; b++) {
                c.add(TestDocs.docs(b * 20_000L, 20_000));
            }
            c.delete(List.of("d5", "d70000", "d99999"));
            for (int q = 0; q < 5; q++) {
                float[] query = TestVectors.vector(5_000_000 + q);
                for (SearchMode m : SearchMode.values()) {
                    List<Hit> one = c.search(SearchRequest.of(query, 25).mode(m).threads(1));
                    assertEquals(one, c.search(SearchRequest.of(query, 25).mode(m).threads(2)));
                    assertEquals(one, c.search(SearchRequest.of(query, 25).mode(m).threads(7)));
                    // a batch of mixed queries answers each exactly as alone
                    List<SearchRequest> batch = List.of(SearchRequest.of(query, 25).mode(m).threads(2),
                            SearchRequest.of(TestVectors.vector(q), 3).mode(SearchMode.HAMMING),
                            SearchRequest.of(query, 4).filter("parity", "odd"));
                    List<List<Hit>> got = c.searchBatch(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        assertEquals(c.search(batch.get(i)), got.get(i));
                    }
                }
            }
        }
    }

    @Test
    void rerankWithLargeOversampleIsExactFloatSearch() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("f"), pcaq, new CollectionOptions(FloatFormat.F32, 300))) {
            Map<String, Doc> live = new HashMap<>();
            List<Doc> order = TestDocs.populate(c, live, 23, 20);
            FloatMatrix m = TestDocs.vectors(order);
            for (int q = 0; q < 10; q++) {
                float[] query = TestVectors.vector(7_000_000 + q);
                TopK ref = FloatSearch.topK(m, query, 10);
                List<Hit> hits = c.search(SearchRequest.of(query, 10).oversample(1000));
                for (int i = 0; i < 10; i++) {
                    assertEquals(order.get(ref.ids()[i]).id(), hits.get(i).id());
                    assertEquals(ref.scores()[i], hits.get(i).score(), 1e-5f);
                }
            }
        }
        try (Collection c = Collection.create(tmp.resolve("n"), pcaq, CollectionOptions.defaults())) {
            c.add(TestDocs.docs(0, 10));
            assertThrows(IllegalArgumentException.class, () -> c.search(SearchRequest.of(TestVectors.vector(1), 3).oversample(5)));
        }
    }

    @Test
    void classifiesByLabelVote() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("k"), pcaq, new CollectionOptions(FloatFormat.F16, 1000))) {
            c.add(TestDocs.docs(0, 2000));
            int right = 0;
            for (int q = 0; q < 50; q++) {
                long seed = 3_000_000L + q;
                Classification cl = c.classify(SearchRequest.of(TestVectors.vector(seed), 9).oversample(4), "label");
                assertEquals(9, cl.neighbours().size());
                if (cl.label().equals(String.valueOf(TestVectors.cluster(seed)))) {
                    right++;
                }
            }
            assertTrue(right >= 45, "accuracy " + right + "/50");
        }
    }

    @Test
    void corruptFilesAreRefusedWithTheirPath() throws IOException {
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, pcaq, new CollectionOptions(FloatFormat.F16, 100))) {
            c.add(TestDocs.docs(0, 250));
            c.delete(List.of("d1"));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> !p.getFileName().toString().equals("LOCK")).sorted().toList();
        }
        for (Path f : files) {
            if (Files.size(f) <= 64 && f.getFileName().toString().startsWith("wal-")) {
                continue; // an empty log has nothing but its header, tested below
            }
            byte[] orig = Files.readAllBytes(f);
            for (long at : new long[] {3, Files.size(f) / 2, Files.size(f) - 2}) {
                flip(f, at);
                String n = f.getFileName().toString();
                boolean lazy = n.endsWith(".payloads") || n.endsWith(".vectors"); // block-checksummed, checked when read
                boolean onDemand = n.endsWith(".ids") || n.endsWith(".idh"); // read on demand too, but open reads the ids' chunk table
                if ((lazy || onDemand) && at == Files.size(f) / 2) {
                    // open succeeds (or, for ids, may fail naming the file); the lookups touching the damaged block fail naming it
                    try (Collection c = Collection.open(dir)) {
                        java.io.UncheckedIOException u = assertThrows(java.io.UncheckedIOException.class, () -> {
                            for (int i = 0; i < 250; i++) {
                                c.get("d" + i);
                            }
                        }, f + " @" + at);
                        assertTrue(u.getCause() instanceof CorruptCollectionException && u.getMessage().contains(n), u.getMessage());
                        abandon(c);
                    } catch (CorruptCollectionException e) {
                        assertTrue(onDemand, f + " @" + at + ": a lazily checked part must not fail open: " + e.getMessage());
                        assertTrue(e.getMessage().contains(n), e.getMessage());
                    }
                    Files.write(f, orig);
                    continue;
                }
                IOException e = assertThrows(IOException.class, () -> Collection.open(dir).close(), f + " @" + at);
                assertTrue(e.getMessage().contains(n), e.getMessage());
                Files.write(f, orig);
            }
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(249, c.count());
        }
    }

    @Test
    void tornLogTailIsTruncatedButCorruptMiddleIsRefused() throws IOException {
        Path dir = tmp.resolve("w");
        Collection c = Collection.create(dir, pcaq, CollectionOptions.defaults());
        c.add(TestDocs.docs(0, 10));
        c.add(TestDocs.docs(10, 10));
        c.add(TestDocs.docs(20, 10));
        Path wal;
        try (Stream<Path> s = Files.list(dir)) {
            wal = s.filter(p -> p.getFileName().toString().startsWith("wal-")).findFirst().orElseThrow();
        }
        byte[] full = Files.readAllBytes(wal);
        // simulate kill -9: abandon the object without close (release the lock as the OS would)
        abandon(c);
        Files.write(wal, java.util.Arrays.copyOf(full, full.length - 5));
        try (Collection r = Collection.open(dir)) {
            assertEquals(20, r.count());
            abandon(r);
        }
        assertTrue(Files.size(wal) < full.length - 5, "torn record truncated");
        Files.write(wal, full);
        flip(wal, 64 + 20);
        IOException e = assertThrows(IOException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("an intact record follows at byte"), e.getMessage());
    }

    @Test
    void secondOpenIsLockedOut() throws IOException {
        Path dir = tmp.resolve("l");
        try (Collection c = Collection.create(dir, pcaq, CollectionOptions.defaults())) {
            assertThrows(CollectionLockedException.class, () -> Collection.open(dir));
        }
        Collection.drop(dir);
        assertFalse(Files.exists(dir));
    }

    static void flip(Path f, long at) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.seek(at);
            int b = r.read();
            r.seek(at);
            r.write(b ^ 0x5A);
        }
    }

    /** Drops a collection as a crash would: nothing flushed, only the lock let go. */
    static void abandon(Collection c) {
        try {
            var m = Collection.class.getDeclaredMethod("closeResources");
            m.setAccessible(true);
            m.invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
