package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.SharedData;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Collection#refit}: the gain on a real set, no-op refits, operations and reopen after a switch, bad input. */
class RefitTest {
    @TempDir
    Path tmp;

    /** Banking77 questions in a collection whose encoder was fitted on IMDB reviews: its own encoder finds more neighbours. */
    @Test
    void refitOnOwnDocumentsRaisesRecallOnARealSet() throws IOException {
        Path data = SharedData.dir().resolve("embeddings/all-minilm-l6-v2");
        FloatMatrix own = Npy.read(data.resolve("banking77/train.npy")).slice(0, 6000);
        FloatMatrix other = Npy.read(data.resolve("imdb/train.npy")).slice(0, 3000);
        Encoder foreign = Encoders.fit("pcaq", other, FitOptions.bits(256));
        Path dir = tmp.resolve("banking");
        try (Collection c = Collection.create(dir, foreign, new CollectionOptions(FloatFormat.F16, 2500, 0))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < own.rows(); i++) {
                docs.add(new Doc("q" + i, own.row(i), "question " + i, null));
            }
            c.add(docs);
            RefitReport r = c.refit(RefitOptions.defaults().withKinds(List.of("pcaq")));
            assertTrue(r.changed(), r.describe());
            assertTrue(r.recallAfter() > r.recallBefore() + 0.03, r.describe());
            assertEquals(6000, r.documents());
            assertEquals(600, r.heldOut());
            assertEquals(5400, r.fitDocs());
            assertNotEquals(EncoderFiles.fingerprint(foreign), EncoderFiles.fingerprint(c.encoder()));
            assertEquals(r.chosen(), c.encoder().describe());
            assertEquals(6000, c.count());
            // codes-only search now agrees with float search more often, on queries that were not among the fitted docs
            double after = codesOnlyRecall(c, own);
            assertTrue(after > 0.3, "recall " + after);
        }
        assertTrue(Collection.verify(dir).problems().isEmpty(), Collection.verify(dir).problems().toString());
        try (Collection c = Collection.open(dir)) {
            assertEquals(6000, c.count());
            assertNotEquals(EncoderFiles.fingerprint(foreign), EncoderFiles.fingerprint(c.encoder()));
            assertEquals("question 17", c.get("q17").text());
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.contains(SegmentFiles.ENCODER), "the replaced encoder is removed: " + names);
            assertEquals(1, names.stream().filter(Manifest::isEncoderFile).count(), names.toString());
        }
    }

    private static double codesOnlyRecall(Collection c, FloatMatrix own) {
        double sum = 0;
        int n = 50;
        for (int q = 0; q < n; q++) {
            float[] v = own.row(q * 97);
            List<Hit> codes = c.search(SearchRequest.of(v, 10).mode(SearchMode.ASYMMETRIC).oversample(1));
            List<Hit> exact = c.search(SearchRequest.of(v, 10).oversample(1000));
            long hit = codes.stream().filter(h -> exact.stream().anyMatch(e -> e.id().equals(h.id()))).count();
            sum += hit / 10.0;
        }
        return sum / n;
    }

    @Test
    void aRefitThatDoesNotWinChangesNothing() throws IOException {
        Path dir = tmp.resolve("keep");
        Encoder enc = TestVectors.encoder("pcaq", 64);
        fill(dir, enc, 1500);
        Map<String, byte[]> before = CrashPointTest.files(dir);
        try (Collection c = Collection.open(dir)) {
            List<Hit> hits = c.search(SearchRequest.of(TestVectors.vector(3), 10).oversample(1));
            RefitReport dry = c.refit(RefitOptions.defaults().withKinds(List.of("pcaq")).withMinimums(1000, 100).withMargin(-1).withDryRun(true));
            assertFalse(dry.changed(), dry.describe());
            assertSameFiles(before, CrashPointTest.files(dir));
            RefitReport r = c.refit(RefitOptions.defaults().withKinds(List.of("pcaq")).withMinimums(1000, 100).withMargin(1));
            assertFalse(r.changed(), r.describe());
            assertEquals(r.recallBefore(), r.recallAfter());
            assertSame(enc.getClass(), c.encoder().getClass());
            assertEquals(EncoderFiles.fingerprint(enc), EncoderFiles.fingerprint(c.encoder()));
            assertEquals(hits, c.search(SearchRequest.of(TestVectors.vector(3), 10).oversample(1)));
            Map<String, byte[]> after = CrashPointTest.files(dir);
            after.remove(SegmentFiles.MANIFEST); // records the refit's document count, nothing else
            Map<String, byte[]> b = new TreeMap<>(before);
            b.remove(SegmentFiles.MANIFEST);
            assertSameFiles(b, after);
        }
    }

    @Test
    void everyOperationWorksAfterARefitAndAcrossReopen() throws IOException {
        Path dir = tmp.resolve("ops");
        Encoder bad = TestVectors.encoder("simhash", 64);
        fill(dir, bad, 1500);
        try (Collection c = Collection.open(dir)) {
            c.delete(List.of("d5", "d6"));
            c.write(new WriteBatch().add(TestVectors.doc(900_001))); // in the log and memtable when the refit starts
            Snapshot old = c.snapshot();
            List<Hit> oldHits = old.search(SearchRequest.of(TestVectors.vector(7), 10).oversample(1));
            RefitReport r = c.refit(RefitOptions.defaults().withKinds(List.of("pcaq")).withMinimums(1000, 100).withMargin(-1));
            assertTrue(r.changed(), r.describe());
            assertEquals("pcaq", c.encoder().kind());
            // a snapshot taken before keeps its encoder and codes
            assertEquals(oldHits, old.search(SearchRequest.of(TestVectors.vector(7), 10).oversample(1)));
            assertEquals(1499, c.count());
            assertNull(c.get("d5"));
            assertEquals("text of 900001", c.get("d900001").text());
            c.upsert(List.of(new Doc("d10", TestVectors.vector(10), "replaced", null)));
            c.delete(List.of("d11"));
            c.add(List.of(TestVectors.doc(900_002)));
            assertEquals(1499, c.count());
            assertEquals("replaced", c.get("d10").text());
            List<Hit> hits = c.search(SearchRequest.of(TestVectors.vector(900_002), 5).oversample(1));
            assertEquals("d900002", hits.get(0).id());
            c.flush();
            c.compact();
            assertEquals(1499, c.count());
            assertEquals("d900002", c.search(SearchRequest.of(TestVectors.vector(900_002), 5).oversample(1)).get(0).id());
            assertEquals(List.of(), c.scrub());
            checkCodesMatchEncoder(c);
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals("pcaq", c.encoder().kind());
            assertEquals(1499, c.count());
            assertEquals("replaced", c.get("d10").text());
            assertNull(c.get("d11"));
            checkCodesMatchEncoder(c);
            // a second refit replaces the refitted encoder file
            RefitReport r = c.refit(RefitOptions.defaults().withKinds(List.of("witq")).withMinimums(1000, 100).withMargin(-1));
            assertTrue(r.changed());
            assertEquals("witq", c.encoder().kind());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.filter(p -> Manifest.isEncoderFile(p.getFileName().toString())).count());
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals("witq", c.encoder().kind());
            checkCodesMatchEncoder(c);
        }
    }

    /**
     * Every stored code is the encoder's code of the stored vector: no document kept a code of the old encoder (which
     * would differ in about half the bits). A few bits may differ: codes written before a refit were made from the
     * float32 vector, the stored one is rounded to f16.
     */
    static void checkCodesMatchEncoder(Collection c) {
        Encoder e = c.encoder();
        int[] n = {0};
        c.snapshot().forEachDoc(d -> {
            float[] v = c.get(d.id()).vector();
            long[] want = e.encode(v);
            int diff = 0;
            for (int w = 0; w < want.length; w++) {
                diff += Long.bitCount(want[w] ^ d.code()[w]);
            }
            assertTrue(diff <= e.bits() / 16, d.id() + ": " + diff + " bits differ from the encoder's code");
            n[0]++;
        });
        assertEquals(c.count(), n[0]);
    }

    @Test
    void refitsAutomaticallyPastTheSizeAndOnlyOnceUntilDoubled() throws Exception {
        Path dir = tmp.resolve("auto");
        Encoder bad = TestVectors.encoder("simhash", 64);
        try (Collection c = Collection.create(dir, bad, new CollectionOptions(FloatFormat.F16, 1000, 1500))) {
            for (int b = 0; b < 2; b++) {
                List<Doc> docs = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    docs.add(TestVectors.doc(b * 1000L + i));
                }
                c.add(docs);
                if (b == 0) {
                    c.flush();
                    c.awaitAutoRefit();
                    assertEquals("simhash", c.encoder().kind(), "1,000 documents: below the size");
                }
            }
            assertEquals("simhash", c.encoder().kind(), "2,000 documents, not flushed yet");
            c.add(List.of(TestVectors.doc(5000))); // finds the memtable full: its flush (2,000 past 1,500) starts a refit
            c.add(List.of(TestVectors.doc(5002))); // the writer does not wait for it
            c.awaitAutoRefit();
            assertNotEquals("simhash", c.encoder().kind());
            assertEquals("text of 5002", c.get("d5002").text());
            assertEquals("text of 5000", c.get("d5000").text());
            checkCodesMatchEncoder(c);
            String refitted = c.encoder().describe();
            c.add(List.of(TestVectors.doc(5001)));
            c.flush();
            c.awaitAutoRefit();
            assertEquals(refitted, c.encoder().describe(), "not again until the collection has doubled");
            checkCodesMatchEncoder(c);
        }
        try (Collection c = Collection.open(dir)) {
            assertNotEquals("simhash", c.encoder().kind());
        }
        Path off = tmp.resolve("off");
        try (Collection c = Collection.create(off, bad, new CollectionOptions(FloatFormat.F16, 1000, 0))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                docs.add(TestVectors.doc(i));
            }
            c.add(docs);
            c.flush();
            c.awaitAutoRefit();
            assertEquals("simhash", c.encoder().kind(), "automatic refit turned off");
        }
    }

    /** refitIfDue: what a long-running host calls after writes, so a collection fed in small batches refits before any flush. */
    @Test
    void refitIfDueStartsTheRefitWithoutAFlush() throws Exception {
        Encoder bad = TestVectors.encoder("simhash", 64);
        try (Collection c = Collection.create(tmp.resolve("due"), bad, new CollectionOptions(FloatFormat.F16, 100_000, 1500))) {
            for (int b = 0; b < 20; b++) {
                List<Doc> docs = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    docs.add(TestVectors.doc(b * 100L + i));
                }
                c.add(docs);
                c.refitIfDue();
                if (b == 13) { // 1,400 documents: below the size, nothing starts
                    c.awaitAutoRefit();
                    assertEquals("simhash", c.encoder().kind());
                }
            }
            c.awaitAutoRefit(); // started at 1,500, in the memtable all along
            assertNotEquals("simhash", c.encoder().kind());
            assertEquals(2000, c.count());
            checkCodesMatchEncoder(c);
        }
        try (Collection c = Collection.create(tmp.resolve("store-only"), bad, new CollectionOptions(FloatFormat.F16, 100_000, 1500))) {
            c.add(TestDocs.docs(0, 2000)); // no flush and no refitIfDue: the store alone waits for a flush
            c.awaitAutoRefit();
            assertEquals("simhash", c.encoder().kind());
        }
        try (Collection c = Collection.create(tmp.resolve("codes-only"), bad, new CollectionOptions(FloatFormat.NONE, 100_000, 1500))) {
            c.add(TestDocs.docs(0, 2000));
            c.refitIfDue(); // nothing to refit from: a no-op, not an error
            c.awaitAutoRefit();
            assertEquals("simhash", c.encoder().kind());
        }
    }

    @Test
    void refusesWhatItCannotDo() throws IOException {
        Path codesOnly = tmp.resolve("codes");
        try (Collection c = Collection.create(codesOnly, TestVectors.encoder("pcaq", 64), new CollectionOptions(FloatFormat.NONE, 1000))) {
            c.add(List.of(TestVectors.doc(1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.refit(RefitOptions.defaults()));
            assertTrue(e.getMessage().contains("keeps no float vectors"), e.getMessage());
        }
        Path small = tmp.resolve("small");
        fill(small, TestVectors.encoder("pcaq", 64), 500);
        Map<String, byte[]> before = CrashPointTest.files(small);
        try (Collection c = Collection.open(small)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.refit(RefitOptions.defaults()));
            assertTrue(e.getMessage().contains("at least 1000"), e.getMessage());
        }
        assertEquals(before.keySet(), CrashPointTest.files(small).keySet());
        assertThrows(IllegalArgumentException.class, () -> RefitOptions.defaults().withKinds(List.of("nope")));
        assertThrows(IllegalArgumentException.class, () -> RefitOptions.defaults().withMargin(2));
    }

    static void fill(Path dir, Encoder enc, int n) throws IOException {
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F16, 700, 0))) {
            c.add(TestDocs.docs(0, n));
        }
    }

    static void assertSameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
    }
}
