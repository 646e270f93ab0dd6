package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log's recovery policy: a torn tail is kept aside and logged, damage before an intact record refuses to open. */
class WalTest {
    static Encoder enc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    /** Five batches of ten documents in the log, abandoned as a kill -9 would leave them. */
    static Path fiveBatches(Path dir) throws IOException {
        Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F16, 1000));
        for (int b = 0; b < 5; b++) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                docs.add(TestVectors.doc(b * 10 + i));
            }
            c.add(docs);
        }
        Path wal = c.dir().resolve(SegmentFiles.wal(1));
        CollectionTest.abandon(c);
        return wal;
    }

    static List<WalScan.Record> records(Path wal) throws IOException {
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
            return WalScan.scan(wal, ch, Wal.readVersion(wal, ch, 1)).records();
        }
    }

    static List<Path> quarantined(Path dir) throws IOException {
        Path q = dir.resolve(WalRecovery.QUARANTINE);
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(q)) {
            return s.sorted().toList();
        }
    }

    @Test
    void newLogsAreVersion2WithConsecutiveSequences() throws IOException {
        Path wal = fiveBatches(tmp.resolve("c"));
        List<WalScan.Record> rs = records(wal);
        assertEquals(5, rs.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, rs.get(i).seq());
        }
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
            assertEquals(2, Wal.readVersion(wal, ch, 1));
        }
    }

    @Test
    void flippedLengthOfAnEarlyRecordRefusesToOpenNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        long second = records(wal).get(1).offset();
        CollectionTest.flip(wal, second + 5); // a byte of the length field
        long size = Files.size(wal);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("wal-000001.log") && e.getMessage().contains("byte " + second)
                && e.getMessage().contains("bitsieve repair"), e.getMessage());
        assertEquals(size, Files.size(wal), "a refused log is left as it was");
    }

    @Test
    void flipInsideTheLastRecordIsATornTailKeptAsideNotErased() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        WalScan.Record last = records(wal).get(4);
        byte[] full = Files.readAllBytes(wal);
        CollectionTest.flip(wal, last.offset() + 100);
        byte[] damaged = Files.readAllBytes(wal);
        try (Collection c = Collection.open(dir)) {
            assertEquals(40, c.count());
            assertNull(c.get("d45"));
            assertNotNull(c.get("d39"));
        }
        List<Path> q = quarantined(dir);
        assertEquals(1, q.size(), q.toString());
        assertEquals("wal-000001.log.tail-" + last.offset(), q.get(0).getFileName().toString());
        assertArrayEquals(Arrays.copyOfRange(damaged, (int) last.offset(), full.length), Files.readAllBytes(q.get(0)));
        // the quarantine outlives flushes and the clean-up of unreferenced files
        try (Collection c = Collection.open(dir)) {
            c.add(List.of(TestVectors.doc(999)));
            c.compact();
        }
        assertEquals(1, quarantined(dir).size());
    }

    @Test
    void truncationMidRecordKeepsTheCutBytes() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        WalScan.Record last = records(wal).get(4);
        byte[] full = Files.readAllBytes(wal);
        long cut = last.offset() + 30;
        Files.write(wal, Arrays.copyOf(full, (int) cut));
        try (Collection c = Collection.open(dir)) {
            assertEquals(40, c.count());
        }
        assertArrayEquals(Arrays.copyOfRange(full, (int) last.offset(), (int) cut), Files.readAllBytes(quarantined(dir).get(0)));
    }

    @Test
    void aMissingMiddleRecordIsASequenceGap() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        List<WalScan.Record> rs = records(wal);
        byte[] full = Files.readAllBytes(wal);
        byte[] cut = concat(Arrays.copyOf(full, (int) rs.get(2).offset()), Arrays.copyOfRange(full, (int) rs.get(2).end(), full.length));
        Files.write(wal, cut);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("sequence 4, expected 3"), e.getMessage());
    }

    @Test
    void aRepeatedRecordIsRefused() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        List<WalScan.Record> rs = records(wal);
        byte[] full = Files.readAllBytes(wal);
        Files.write(wal, concat(full, Arrays.copyOfRange(full, (int) rs.get(4).offset(), full.length)));
        assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
    }

    @Test
    void version1LogsStillReplayAndKeepTakingWrites() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        // rewrite the log as version 1, as an older build left it
        List<WalScan.Record> rs = records(wal);
        byte[] v1 = Wal.header(1, 1);
        for (WalScan.Record r : rs) {
            v1 = concat(v1, Wal.record(1, r.seq(), r.ops()));
        }
        Files.write(wal, v1);
        try (Collection c = Collection.open(dir)) {
            assertEquals(50, c.count());
            c.add(List.of(TestVectors.doc(500)));
            CollectionTest.abandon(c);
        }
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
            assertEquals(1, Wal.readVersion(wal, ch, 1), "appends keep the log's version until the next flush");
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(51, c.count());
            assertEquals("text of 500", c.get("d500").text());
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(SegmentFiles.wal(2)), StandardOpenOption.READ)) {
            assertEquals(2, Wal.readVersion(wal, ch, 2), "the log after a flush is version 2");
        }
    }

    @Test
    void aDamagedLogHeaderIsRefused() throws IOException {
        Path dir = tmp.resolve("c");
        Path wal = fiveBatches(dir);
        CollectionTest.flip(wal, 30);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
    }

    @Test
    void aMissingManifestIsDamageNotAnEmptyFolder() throws IOException {
        Path dir = tmp.resolve("c");
        fiveBatches(dir);
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        assertTrue(Collection.exists(dir), "a collection without its MANIFEST still exists (damaged)");
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains("MANIFEST"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Collection.create(dir, enc, CollectionOptions.defaults()),
                "create must not overwrite the documents of a damaged collection");
        Collection.drop(dir);
        assertTrue(!Files.exists(dir));
        // an unfinished create (encoder and empty first log only) is not a collection
        Collection.create(dir, enc, CollectionOptions.defaults()).close();
        Files.delete(dir.resolve(SegmentFiles.MANIFEST));
        assertTrue(!Collection.exists(dir));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static int le32(byte[] b, int at) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at); }
}
