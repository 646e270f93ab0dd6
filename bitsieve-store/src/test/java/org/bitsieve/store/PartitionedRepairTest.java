package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Repair of partitioned (coarse cells) and refitted collections: real collections are damaged (MANIFEST deleted,
 * a cells part bit-flipped, a segment truncated, the quantiser lost), repaired, and then must answer every query at
 * every nprobe exactly as an undamaged copy does (minus the documents repair reports lost), or repair must refuse
 * with a message naming the file and leave every byte as it was.
 */
class PartitionedRepairTest {
    static final int CELLS = 16;
    static Encoder pcaq;
    static CoarseQuantizer q;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() {
        pcaq = TestVectors.encoder("pcaq", 64);
        q = PartitionedCollectionTest.quantizer(CELLS);
    }

    /** Two segments with deletions and upserts, and a log of 150 documents that were never flushed. */
    Path partitioned(String name, FloatFormat floats) throws IOException {
        Path dir = tmp.resolve(name);
        Collection c = Collection.create(dir, pcaq, new CollectionOptions(floats, 400).withCoarse(q));
        c.add(TestDocs.docs(0, 700));
        c.flush();
        c.add(TestDocs.docs(700, 300));
        c.delete(List.of("d3", "d5", "d701"));
        c.upsert(TestDocs.replacements(10, 20));
        c.flush();
        c.add(TestDocs.docs(1000, 150)); // only in the log
        CollectionTest.abandon(c);
        return dir;
    }

    /** Asymmetric (re-ranked when floats are kept) and Hamming queries at nprobe 0 (exact), 1, 4 and every cell. */
    static List<SearchRequest> requests() {
        List<SearchRequest> out = new ArrayList<>();
        for (long s = 0; s < 12; s++) {
            float[] v = TestVectors.vector(900_000 + s);
            for (int np : new int[] {0, 1, 4, CELLS}) {
                out.add(SearchRequest.of(v, 10).nprobe(np));
                out.add(SearchRequest.of(v, 5).oversample(4).nprobe(np));
                out.add(SearchRequest.of(v, 7).mode(SearchMode.HAMMING).nprobe(np));
            }
        }
        return out;
    }

    /**
     * The undamaged copy's answers once its log is flushed: repair opens and closes the repaired collection (close
     * flushes), and the memtable is scanned whole at any nprobe while a segment is scanned by cell, so the two are
     * compared in the same state.
     */
    static List<String> settledAnswers(Path ref) throws IOException {
        Collection.open(ref).close();
        return answers(ref);
    }

    /** Each request's hits as "id:score ..." (texts come with the ids), and the count last. */
    static List<String> answers(Path dir) throws IOException {
        try (Collection c = Collection.open(dir)) {
            List<String> out = new ArrayList<>();
            for (SearchRequest r : requests()) {
                StringBuilder b = new StringBuilder("nprobe " + r.nprobe() + " " + r.mode() + ":");
                for (Hit h : c.search(r)) {
                    b.append(' ').append(h.id()).append(':').append(h.score()).append(h.text() == null ? "" : "");
                }
                out.add(b.toString());
            }
            out.add("count " + c.count());
            return out;
        }
    }

    static void assertSameAnswers(List<String> expected, List<String> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "request " + i + " " + what);
        }
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Map.Entry<String, byte[]> e : CrashPointTest.files(from).entrySet()) {
            Files.write(to.resolve(e.getKey()), e.getValue());
        }
    }

    static void assertRepairedAndEqual(Path dir, List<String> expected) throws IOException {
        assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        RepairReport r = Collection.repair(dir);
        assertTrue(r.changed(), r.actions().toString());
        assertEquals(List.of(), r.lostIds(), r.actions().toString());
        assertSameAnswers(expected, answers(dir), r.actions().toString());
        assertTrue(Collection.verify(dir).healthy(), Collection.verify(dir).problems().toString());
        try (Collection c = Collection.open(dir)) {
            PartitionedCollectionTest.checkSorted(c);
        }
    }

    @Test
    void aLostManifestOfAPartitionedCollectionIsRebuiltWithItsCells() throws IOException {
        Path dir = partitioned("m", FloatFormat.F16);
        copy(dir, tmp.resolve("m-ref"));
        List<String> expected = settledAnswers(tmp.resolve("m-ref"));
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        assertRepairedAndEqual(dir, expected);
        Manifest m = Manifest.read(dir);
        assertEquals(Manifest.FORMAT_PARTITIONED, m.format());
        assertEquals(CELLS, m.cells());
        assertEquals(q.fingerprint(), m.coarseFingerprint());
    }

    @Test
    void aFlippedCellsPartIsRebuiltFromTheStoredFloats() throws IOException {
        Path dir = partitioned("c", FloatFormat.F32);
        copy(dir, tmp.resolve("c-ref"));
        List<String> expected = settledAnswers(tmp.resolve("c-ref"));
        CollectionTest.flip(Cells.path(dir, 1), StoreFile.HEADER + 8); // offset of cell 2
        IOException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("seg-000001.cells"), e.getMessage());
        assertRepairedAndEqual(dir, expected);
    }

    @Test
    void aTruncatedSegmentLosesOnlyItsDocumentsAndTheRestAnswersAsBefore() throws IOException {
        Path dir = partitioned("t", FloatFormat.F16);
        Path ref = tmp.resolve("t-ref");
        copy(dir, ref);
        Path codes = SegmentFiles.codes(dir, 2);
        try (FileChannel ch = FileChannel.open(codes, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        RepairReport r = Collection.repair(dir);
        assertFalse(r.lostIds().isEmpty(), r.actions().toString());
        try (Collection c = Collection.open(ref)) {
            c.delete(r.lostIds());
            c.flush();
        }
        assertSameAnswers(settledAnswers(ref), answers(dir), r.actions().toString());
        assertTrue(Collection.verify(dir).healthy(), Collection.verify(dir).problems().toString());
    }

    @Test
    void withoutFloatsOrQuantiserRepairRefusesAndChangesNothing() throws IOException {
        Path dir = partitioned("n", FloatFormat.NONE);
        CollectionTest.flip(Cells.path(dir, 2), StoreFile.HEADER + 20);
        Map<String, byte[]> before = CrashPointTest.files(dir);
        String found = Collection.verify(dir).problems().toString();
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.repair(dir), found);
        assertTrue(e.getMessage().contains("seg-000002.cells") && e.getMessage().contains("no floats"), e.getMessage());
        RefitTest.assertSameFiles(before, CrashPointTest.files(dir));
        assertFalse(Files.exists(dir.resolve(WalRecovery.QUARANTINE)), "a refusal leaves no quarantine folder");

        Path dir2 = partitioned("q", FloatFormat.F16);
        Files.delete(dir2.resolve(SegmentFiles.MANIFEST));
        Files.delete(dir2.resolve(Cells.QUANTIZER));
        Map<String, byte[]> before2 = CrashPointTest.files(dir2);
        e = assertThrows(CorruptCollectionException.class, () -> Collection.repair(dir2));
        assertTrue(e.getMessage().contains("coarse.bsq"), e.getMessage());
        RefitTest.assertSameFiles(before2, CrashPointTest.files(dir2));
    }

    @Test
    void aLostManifestOfARefittedPartitionedCollectionFindsItsEncoderByFingerprint() throws IOException {
        Path dir = tmp.resolve("r");
        Encoder simhash = TestVectors.encoder("simhash", 64);
        try (Collection c = Collection.create(dir, simhash, new CollectionOptions(FloatFormat.F16, 700, 0).withCoarse(q))) {
            c.add(TestDocs.docs(0, 1500));
            RefitReport r = c.refit(RefitOptions.defaults().withKinds(List.of("pcaq")).withMinimums(1000, 100).withMargin(-1));
            assertTrue(r.changed(), r.describe());
            c.add(TestDocs.docs(1500, 40)); // in the log, encoded by the refitted encoder
            CollectionTest.abandon(c);
        }
        Manifest before = Manifest.read(dir);
        assertEquals(Manifest.FORMAT_REFIT, before.format());
        copy(dir, tmp.resolve("r-ref"));
        List<String> expected = settledAnswers(tmp.resolve("r-ref"));
        // as if the refit's switch had crashed before removing the old encoder: two encoder files, the segments decide
        EncoderFiles.save(simhash, dir.resolve(SegmentFiles.ENCODER));
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        assertRepairedAndEqual(dir, expected);
        Manifest m = Manifest.read(dir);
        assertEquals(Manifest.FORMAT_REFIT, m.format());
        assertEquals(before.encoderFile(), m.encoderFile());
        assertEquals(before.encoderFingerprint(), m.encoderFingerprint());
        assertEquals(CELLS, m.cells());
    }

    @Test
    void aLostManifestWithAnEncoderMatchingNoSegmentIsRefused() throws IOException {
        Path dir = partitioned("x", FloatFormat.F16);
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        EncoderFiles.save(TestVectors.encoder("simhash", 64), dir.resolve(SegmentFiles.ENCODER)); // another encoder in its place
        Map<String, byte[]> before = CrashPointTest.files(dir);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.repair(dir));
        assertTrue(e.getMessage().contains("no encoder file matches"), e.getMessage());
        RefitTest.assertSameFiles(before, CrashPointTest.files(dir));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals(WalRecovery.QUARANTINE)));
        }
    }
}
