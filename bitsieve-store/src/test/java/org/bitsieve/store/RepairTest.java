package org.bitsieve.store;

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
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What repair salvages, row by row: exactly the documents outside the damaged bytes. */
class RepairTest {
    static Encoder enc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    /** One segment of 2,000 documents (8-byte codes: 512 per 4 KiB block), nothing in the log. */
    Path segment() throws IOException {
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F16, 5000))) {
            c.add(TestDocs.docs(0, 2000));
        }
        return dir;
    }

    static Set<String> ids(int from, int to) {
        Set<String> s = new TreeSet<>();
        for (int i = from; i < to; i++) {
            s.add("d" + i);
        }
        return s;
    }

    @Test
    void aDamagedCodeBlockDropsOnlyItsRows() throws IOException {
        Path dir = segment();
        Path codes = SegmentFiles.codes(dir, 1);
        CollectionTest.flip(codes, StoreFile.HEADER + BlockFile.BLOCK + 100); // block 1: rows 512..1023
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("seg-000001.codes") && e.getMessage().contains("block 1"), e.getMessage());
        RepairReport r = Collection.repair(dir);
        assertEquals(ids(512, 1024), new TreeSet<>(r.lostIds()));
        assertEquals(1488, r.documents());
        try (Collection c = Collection.open(dir)) {
            assertEquals("text of 511", c.get("d511").text());
            assertEquals("text of 1024", c.get("d1024").text());
        }
        assertTrue(Files.exists(r.quarantine().resolve("seg-000001.codes")));
    }

    @Test
    void aDamagedPayloadBlockDropsOnlyTheRowsWhoseBytesItHolds() throws IOException {
        Path dir = segment();
        Path payloads = SegmentFiles.payloads(dir, 1);
        long tables = 2L * 2001 * 8; // the offsets: 32,016 bytes, blocks 0-7; texts follow
        long at = tables + 3 * BlockFile.BLOCK; // somewhere in the texts
        CollectionTest.flip(payloads, StoreFile.HEADER + at);
        long block = at / BlockFile.BLOCK;
        // which rows have text bytes in that block: texts are "text of N", in row order
        Set<String> expect = new HashSet<>();
        long o = tables;
        for (int i = 0; i < 2000; i++) {
            long len = ("text of " + i).length();
            if (o < (block + 1) * BlockFile.BLOCK && o + len > block * BlockFile.BLOCK) {
                expect.add("d" + i);
            }
            o += len;
        }
        assertFalse(expect.isEmpty());
        try (Collection c = Collection.open(dir)) {
            assertEquals(2000, c.count(), "payload blocks are checked on read, not at open");
            CollectionTest.abandon(c);
        }
        RepairReport r = Collection.repair(dir);
        assertEquals(new TreeSet<>(expect), new TreeSet<>(r.lostIds()));
        assertEquals(2000 - expect.size(), r.documents());
        assertTrue(Files.readString(r.quarantine().resolve("REPORT.txt")).contains(expect.iterator().next()));
    }

    @Test
    void aDamagedIdsChunkLosesOnlyItsDocuments() throws IOException {
        int n = 12_000;
        Path dir = tmp.resolve("i");
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, n))) {
            c.add(TestDocs.docs(0, n));
        }
        Path ids = SegmentFiles.ids(dir, 1);
        java.nio.ByteBuffer t = java.nio.ByteBuffer.wrap(Files.readAllBytes(ids)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int chunks = (n + IdsFile.CHUNK - 1) / IdsFile.CHUNK;
        long[] off = new long[chunks + 1];
        for (int c = 0; c <= chunks; c++) {
            off[c] = t.getLong(StoreFile.HEADER + 8 * c);
        }
        long at = off[chunks] - 5; // inside the last chunk
        CollectionTest.flip(ids, StoreFile.HEADER + at);
        long block = at / BlockFile.BLOCK;
        int lost = 0;
        for (int c = 0; c < chunks; c++) {
            if (off[c] < (block + 1) * BlockFile.BLOCK && off[c + 1] > block * BlockFile.BLOCK) {
                assertTrue(c > 0, "the damaged block must leave the first chunk intact");
                lost += Math.min(n, (c + 1) * IdsFile.CHUNK) - c * IdsFile.CHUNK;
            }
        }
        // ids are read on demand: open succeeds, the damaged chunk's ids fail naming the file, the others serve
        try (Collection c = Collection.open(dir)) {
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> c.get("d" + (n - 1)));
            assertTrue(e.getMessage().contains("seg-000001.ids") && e.getCause() instanceof CorruptCollectionException, e.getMessage());
            assertEquals("text of 0", c.get("d0").text());
            CollectionTest.abandon(c);
        }
        RepairReport r = Collection.repair(dir);
        assertEquals(lost, r.lostWithoutIds(), r.actions().toString());
        assertEquals(n - lost, r.documents());
        assertTrue(lost < n / 2, lost + " lost");
        try (Collection c = Collection.open(dir)) {
            assertEquals("text of 0", c.get("d0").text());
            assertEquals("text of " + (n - lost - 1), c.get("d" + (n - lost - 1)).text());
            assertEquals(null, c.get("d" + (n - 1)));
        }
    }

    @Test
    void aFlippedLogLengthKeepsEveryLaterRecordAfterRepair() throws IOException {
        Path dir = tmp.resolve("w");
        WalTest.enc = enc;
        Path wal = WalTest.fiveBatches(dir);
        List<WalScan.Record> rs = WalTest.records(wal);
        CollectionTest.flip(wal, rs.get(1).offset() + 5); // the length of batch 2 (d10..d19)
        assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        RepairReport r = Collection.repair(dir);
        assertEquals(40, r.documents(), r.actions().toString());
        assertTrue(r.actions().stream().anyMatch(a -> a.contains("batches missing: [#2]")), r.actions().toString());
        try (Collection c = Collection.open(dir)) {
            for (int i = 0; i < 50; i++) {
                assertEquals(i < 10 || i >= 20, c.get("d" + i) != null, "d" + i);
            }
        }
        assertTrue(Files.exists(r.quarantine().resolve(wal.getFileName())), "the damaged log is kept");
        assertTrue(Collection.verify(dir).healthy(), Collection.verify(dir).problems().toString());
        assertFalse(Collection.repair(dir).changed(), "a second repair finds nothing to do");
    }

    @Test
    void aLostManifestIsRebuilt() throws IOException {
        Path dir = tmp.resolve("m");
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F16, 100))) {
            c.add(TestDocs.docs(0, 250));
            c.delete(List.of("d7", "d120"));
            c.flush();
            c.add(TestDocs.docs(250, 5));
            CollectionTest.abandon(c);
        }
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        RepairReport r = Collection.repair(dir);
        assertEquals(253, r.documents(), r.actions().toString());
        try (Collection c = Collection.open(dir)) {
            assertEquals(null, c.get("d7"));
            assertEquals("text of 254", c.get("d254").text());
            assertEquals(FloatFormat.F16, c.floats());
        }
    }
}
